/** The console's Executions tab: filters, a sortable table paged on the server, the detail pane. */
import * as React from 'react';

import { Button, Empty, InlineMessage, StatusBadge } from '../components/common';
import { durationText, ExecutionDetail, shortTime } from '../components/detail';
import { TriggerTag } from '../components/triggers';
import { EXECUTION_STATUSES } from '../types';
import { ConsoleModel, IFilters, RANGES } from './model';

const COLUMNS: [string, string][] = [
  ['id', 'id'],
  ['service', 'service'],
  ['function', 'function'],
  ['status', 'status'],
  ['progress', ''],
  ['duration', 'duration'],
  ['user', 'user'],
  ['created', 'created']
];

function Select(props: { model: ConsoleModel; name: keyof IFilters; label: string; options: [string, string][] }): JSX.Element {
  const { model, name } = props;
  return (
    <label className="faas-field faas-inline">
      <span>{props.label}</span>
      <select
        className="jp-mod-styled"
        value={model.filters[name]}
        data-testid={`faas-filter-${name}`}
        onChange={e => model.setFilter(name, e.target.value)}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  const v = model.values;
  // the menus know what the last load saw plus what the newest runs (each poll) show
  const recent = model.shared.executions;
  const merged = (xs: string[] | undefined, more: (string | undefined)[]) =>
    [...new Set([...(xs ?? []), ...more.filter((x): x is string => Boolean(x))])].sort();
  const any = (xs: string[] | undefined, what: string): [string, string][] => [['', `any ${what}`], ...(xs ?? []).map(x => [x, x] as [string, string])];
  return (
    <div className="faas-filters" data-testid="faas-console-filters">
      <Select model={model} name="status" label="status" options={any([...EXECUTION_STATUSES], 'status')} />
      <Select model={model} name="service" label="service" options={any(merged(v?.services, recent.map(e => e.service)), 'service')} />
      <Select model={model} name="function" label="function" options={any(merged(v?.functions, recent.map(e => e.functionName)), 'function')} />
      <Select model={model} name="user" label="user" options={any(merged(v?.users, recent.map(e => e.creator)), 'user')} />
      <Select model={model} name="range" label="created" options={RANGES.map(([k, label]) => [k, label])} />
    </div>
  );
}

function Pager(props: { offset: number; limit: number; total: number; goTo: (offset: number) => void; testid: string }): JSX.Element {
  const { offset, limit, total } = props;
  const first = total ? offset + 1 : 0;
  const last = Math.min(total, offset + limit);
  return (
    <div className="faas-pager" data-testid={props.testid}>
      <Button label="« First" disabled={offset === 0} onClick={() => props.goTo(0)} />
      <Button label="‹ Previous" disabled={offset === 0} onClick={() => props.goTo(offset - limit)} />
      <span data-testid={`${props.testid}-range`}>
        {first.toLocaleString('en-US')}–{last.toLocaleString('en-US')} of {total.toLocaleString('en-US')}
      </span>
      <Button label="Next ›" testid={`${props.testid}-next`} disabled={last >= total} onClick={() => props.goTo(offset + limit)} />
      <Button label="Last »" disabled={last >= total} onClick={() => props.goTo(Math.floor((total - 1) / limit) * limit)} />
    </div>
  );
}

function Header(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  return (
    <thead>
      <tr>
        {COLUMNS.map(([key, label]) => {
          if (!label) {
            return <th key={key}>progress</th>;
          }
          const active = model.sort.key === key;
          return (
            <th key={key} aria-sort={active ? (model.sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button className="faas-sort" data-testid={`faas-sort-${key}`} onClick={() => model.sortBy(key)}>
                {label}
                {active ? (model.sort.desc ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

export function ExecutionsTab(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  const sel = model.selected;
  return (
    <div className="faas-console-split">
      <div className="faas-console-main">
        <Filters model={model} />
        <Pager offset={model.offset} limit={model.limit} total={model.total} goTo={o => model.goTo(o)} testid="faas-pager" />
        {model.rows.length === 0 && !model.loading && <Empty text="No executions match these filters." />}
        <table className="faas-table faas-executions faas-console-table" data-testid="faas-console-executions">
          <Header model={model} />
          <tbody>
            {model.rows.map(ex => (
              <tr
                key={ex.id}
                data-testid="faas-console-execution"
                className={sel?.id === ex.id ? 'faas-selected' : ''}
                tabIndex={0}
                onClick={() => void model.openExecution(ex.id)}
                onKeyDown={e => e.key === 'Enter' && void model.openExecution(ex.id)}
              >
                <td className="faas-mono">{ex.id.slice(0, 8)}</td>
                <td>{ex.service}</td>
                <td>
                  {ex.functionName} <TriggerTag ex={ex} />
                </td>
                <td>
                  <StatusBadge status={ex.status} />
                </td>
                <td>{ex.progress !== null && ex.progress !== undefined ? `${ex.progress}%` : ''}</td>
                <td>{durationText(ex)}</td>
                <td>{ex.creator}</td>
                <td>{shortTime(ex.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="faas-console-side">
        <InlineMessage model={model.shared} k="console:execution" />
        {sel ? (
          <ExecutionDetail model={model.shared} ex={sel} logs={model.logs} onClose={() => model.closeExecution()} />
        ) : (
          <Empty text="Select an execution to see its inputs, outputs, logs and status log." />
        )}
      </div>
    </div>
  );
}

export { Pager };
