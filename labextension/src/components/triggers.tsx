/** Triggers of a service (sidebar) or of the project (console): what each listens to, next and
 * last fire, counts, an active toggle, the executions it started, and a form to add one. */
import * as React from 'react';

import { FaasModel, relativeTime, triggerStats, triggerWhat } from '../model';
import { IExecution, IPackageFunction, ITrigger, ITriggerRequest } from '../types';
import { Button, Empty, InlineMessage, StatusBadge } from './common';
import { durationText, shortTime } from './detail';

export const RESOURCES = ['Item', 'Dataset', 'Annotation'];
export const ACTIONS = ['Created', 'Updated', 'Deleted'];

/** `nextFireAt` as the UI says it: relative for cron, a dash for events. */
function nextFire(t: ITrigger, now: number): string {
  if (!t.active) {
    return 'inactive';
  }
  return t.type === 'Cron' ? relativeTime(triggerStats(t).nextFireAt, now) || '—' : 'on event';
}

function TriggerRuns(props: { model: FaasModel; runs: IExecution[]; open: (id: string) => void }): JSX.Element {
  if (!props.runs.length) {
    return <Empty text="It has not started any execution yet." />;
  }
  return (
    <table className="faas-table faas-executions faas-trigger-runs" data-testid="faas-trigger-runs">
      <tbody>
        {props.runs.map(ex => (
          <tr
            key={ex.id}
            data-testid="faas-trigger-run"
            tabIndex={0}
            onClick={() => props.open(ex.id)}
            onKeyDown={e => e.key === 'Enter' && props.open(ex.id)}
          >
            <td className="faas-mono">{ex.id.slice(0, 8)}</td>
            <td>
              <StatusBadge status={ex.status} />
            </td>
            <td>{durationText(ex)}</td>
            <td className="faas-dim" title={shortTime(ex.createdAt)}>
              {shortTime(ex.createdAt).slice(11)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One trigger: a row of facts, then its actions; Runs opens the executions it started. */
export function TriggerRow(props: {
  model: FaasModel;
  trigger: ITrigger;
  showService?: boolean;
  openExecution?: (id: string) => void;
}): JSX.Element {
  const { model, trigger: t } = props;
  const key = `trigger:${t.id}`;
  const runs = model.triggerRuns.get(t.id);
  const [confirming, setConfirming] = React.useState(false);
  const busy = model.isBusy(key);
  const now = Date.now();
  const open = props.openExecution ?? ((id: string) => void model.loadExecution(id));
  const stats = triggerStats(t);
  return (
    <li className="faas-trigger" data-testid="faas-trigger" data-trigger={t.name}>
      <div className="faas-row">
        <label className="faas-toggle" title={t.active ? 'active: click to deactivate' : 'inactive: click to activate'}>
          <input
            type="checkbox"
            checked={t.active}
            disabled={busy}
            aria-label={`${t.name} active`}
            data-testid="faas-trigger-active"
            onChange={e => void model.setTriggerActive(t, e.target.checked)}
          />
        </label>
        <span className="faas-name">{t.name}</span>
        {props.showService && <span className="faas-dim">{t.spec.operation?.serviceName}</span>}
        <span className="faas-dim" data-testid="faas-trigger-what">
          {t.spec.operation?.functionName} ← {triggerWhat(t)}
        </span>
      </div>
      <div className="faas-row faas-trigger-facts" data-testid="faas-trigger-facts">
        <span title={stats.nextFireAt ?? ''} data-testid="faas-trigger-next">
          next: {nextFire(t, now)}
        </span>
        <span title={stats.lastFiredAt ?? ''}>last: {relativeTime(stats.lastFiredAt, now) || 'never'}</span>
        <span data-testid="faas-trigger-fires">fired {stats.fireCount}</span>
        <span data-testid="faas-trigger-failures" className={stats.failureCount ? 'faas-trigger-failing' : ''}>
          failed {stats.failureCount}
        </span>
      </div>
      {t.spec.filter && Object.keys(t.spec.filter).length > 0 && (
        <div className="faas-dim faas-mono" data-testid="faas-trigger-filter">
          filter {JSON.stringify(t.spec.filter)}
        </div>
      )}
      <div className="faas-actions">
        {runs ? (
          <Button label="Hide runs" onClick={() => model.closeTriggerRuns(t.id)} />
        ) : (
          <Button label="Runs" testid="faas-trigger-runs-button" busy={busy} onClick={() => void model.loadTriggerRuns(t.id)} />
        )}
        {confirming ? (
          <Button label={`Delete ${t.name}?`} warn busy={busy} onClick={() => void model.deleteTrigger(t)} />
        ) : (
          <Button label="Delete" disabled={busy} onClick={() => setConfirming(true)} />
        )}
      </div>
      <InlineMessage model={model} k={key} />
      {runs && <TriggerRuns model={model} runs={runs} open={open} />}
    </li>
  );
}

function parseObject(text: string, what: string): Record<string, unknown> | string {
  if (!text.trim()) {
    return {};
  }
  try {
    const v = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return v as Record<string, unknown>;
    }
  } catch (err) {
    return `${what} is not valid JSON: ${(err as Error).message}`;
  }
  return `${what} must be a JSON object, e.g. {"dataset": "raw"}`;
}

interface IFormState {
  type: 'Event' | 'Cron';
  fn: string;
  name: string;
  resource: string;
  actions: string[];
  mode: string;
  filter: string;
  cron: string;
  catchUp: string;
  input: string;
}

/** The request of a filled form, or the first problem (named, with the fix). */
export function triggerRequest(f: IFormState): ITriggerRequest | string {
  if (!f.fn) {
    return 'choose the function the trigger runs';
  }
  const input = parseObject(f.input, 'input');
  if (typeof input === 'string') {
    return input;
  }
  const body: ITriggerRequest = { function: f.fn, type: f.type, input };
  if (f.name.trim()) {
    body.name = f.name.trim();
  }
  if (f.type === 'Cron') {
    if (!f.cron.trim()) {
      return 'cron is empty: five fields, e.g. */5 * * * * (every 5 minutes)';
    }
    return { ...body, cron: f.cron.trim(), catchUp: f.catchUp };
  }
  if (!f.actions.length) {
    return 'tick at least one action (Created, Updated, Deleted)';
  }
  const filter = parseObject(f.filter, 'filter');
  if (typeof filter === 'string') {
    return filter;
  }
  return { ...body, resource: f.resource, actions: f.actions, executionMode: f.mode, filter };
}

export function TriggerForm(props: {
  model: FaasModel;
  service: string;
  functions: IPackageFunction[];
  onDone: () => void;
}): JSX.Element {
  const { model, service } = props;
  const key = `triggers:${service}`;
  const names = props.functions.map(x => x.name);
  const [form, setF] = React.useState<IFormState>({
    type: 'Event',
    fn: '',
    name: '',
    resource: 'Item',
    actions: ['Created'],
    mode: 'Once',
    filter: '',
    cron: '*/5 * * * *',
    catchUp: 'one',
    input: ''
  });
  // the functions arrive with the pinned revision's spec: until one is chosen, the first
  const f = { ...form, fn: names.includes(form.fn) ? form.fn : names[0] ?? '' };
  const [problem, setProblem] = React.useState<string | null>(null);
  const set = (patch: Partial<IFormState>) => setF({ ...f, ...patch });
  const submit = async () => {
    const body = triggerRequest(f);
    if (typeof body === 'string') {
      setProblem(body);
      return;
    }
    setProblem(null);
    if (await model.addTrigger(service, body)) {
      props.onDone();
    }
  };
  const select = (label: string, value: string, options: string[], onChange: (v: string) => void, testid: string) => (
    <label className="faas-field faas-inline">
      <span>{label}</span>
      <select className="jp-mod-styled" value={value} data-testid={testid} onChange={e => onChange(e.target.value)}>
        {options.map(o => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="faas-form faas-trigger-form" data-testid="faas-trigger-form">
      <div className="faas-form-title">add a trigger to {service}</div>
      {select('type', f.type, ['Event', 'Cron'], v => set({ type: v as 'Event' | 'Cron' }), 'faas-trigger-type')}
      {names.length ? (
        select('function', f.fn, names, v => set({ fn: v }), 'faas-trigger-function')
      ) : (
        <Empty text="loading the service's functions…" />
      )}
      <label className="faas-field">
        <span>name (default: the service's)</span>
        <input className="jp-mod-styled" value={f.name} data-testid="faas-trigger-name" onChange={e => set({ name: e.target.value })} />
      </label>
      {f.type === 'Event' ? (
        <>
          {select('resource', f.resource, RESOURCES, v => set({ resource: v }), 'faas-trigger-resource')}
          <div className="faas-row" role="group" aria-label="actions">
            {ACTIONS.map(a => (
              <label key={a} className="faas-field faas-inline">
                <input
                  type="checkbox"
                  checked={f.actions.includes(a)}
                  data-testid={`faas-trigger-action-${a}`}
                  onChange={e => set({ actions: e.target.checked ? [...f.actions, a] : f.actions.filter(x => x !== a) })}
                />
                <span>{a}</span>
              </label>
            ))}
          </div>
          {select('mode', f.mode, ['Once', 'Always'], v => set({ mode: v }), 'faas-trigger-mode')}
          <label className="faas-field">
            <span>filter (JSON on the resource's fields and metadata)</span>
            <textarea
              className="jp-mod-styled faas-code"
              rows={2}
              value={f.filter}
              placeholder='{"dataset": "raw"}'
              data-testid="faas-trigger-filter-input"
              onChange={e => set({ filter: e.target.value })}
            />
          </label>
        </>
      ) : (
        <>
          <label className="faas-field">
            <span>cron (minute hour day month weekday, UTC)</span>
            <input className="jp-mod-styled faas-mono" value={f.cron} data-testid="faas-trigger-cron" onChange={e => set({ cron: e.target.value })} />
          </label>
          {select('missed runs', f.catchUp, ['one', 'none'], v => set({ catchUp: v }), 'faas-trigger-catchup')}
        </>
      )}
      <label className="faas-field">
        <span>input (JSON, other inputs of the function)</span>
        <textarea
          className="jp-mod-styled faas-code"
          rows={2}
          value={f.input}
          placeholder="{}"
          data-testid="faas-trigger-input"
          onChange={e => set({ input: e.target.value })}
        />
      </label>
      {problem && (
        <span className="faas-field-error" role="alert" data-testid="faas-trigger-problem">
          {problem}
        </span>
      )}
      <InlineMessage model={model} k={key} />
      <Button label="Add trigger" accept testid="faas-trigger-submit" busy={model.isBusy(key)} busyLabel="Adding…" onClick={() => void submit()} />
      <Button label="Cancel" onClick={props.onDone} />
    </div>
  );
}

/** A service's triggers in the sidebar, with Add trigger…. */
export function ServiceTriggers(props: {
  model: FaasModel;
  service: string;
  functions: () => IPackageFunction[];
  /** fetch the functions (the pinned revision's spec) before the form needs them */
  loadFunctions: () => void;
}): JSX.Element {
  const { model, service } = props;
  const triggers = model.triggersOf(service);
  const [adding, setAdding] = React.useState(false);
  const add = () => {
    props.loadFunctions();
    setAdding(true);
  };
  return (
    <details className="faas-triggers" data-testid="faas-service-triggers" open={triggers.length > 0 || adding}>
      <summary>
        triggers <span className="faas-count">{triggers.length}</span>
      </summary>
      <ul className="faas-list">
        {triggers.map(t => (
          <TriggerRow key={t.id} model={model} trigger={t} />
        ))}
      </ul>
      {!adding && <Button label="Add trigger…" testid="faas-add-trigger" onClick={add} />}
      {!adding && <InlineMessage model={model} k={`triggers:${service}`} />}
      {adding && <TriggerForm model={model} service={service} functions={props.functions()} onDone={() => setAdding(false)} />}
    </details>
  );
}

/** The tag an execution started by a trigger carries in tables. */
export function TriggerTag(props: { ex: IExecution }): JSX.Element | null {
  const t = props.ex.trigger;
  if (!t) {
    return null;
  }
  return (
    <span className="faas-trigger-tag" data-testid="faas-execution-trigger" title={`started by trigger ${t.name}${t.eventId ? ` (event ${t.eventId})` : ''}`}>
      ⚡{t.name}
    </span>
  );
}
