/** The sidebar's executions: the newest runs with headers, a status filter, and details. */
import * as React from 'react';

import { FaasModel } from '../model';
import { EXECUTION_STATUSES } from '../types';
import { Button, Empty, InlineMessage, Section, StatusBadge } from './common';
import { durationText, ExecutionDetail, shortTime } from './detail';
import { TriggerTag } from './triggers';

export { formatDuration } from './detail';

export function ExecutionsSection(props: { model: FaasModel; openConsole?: () => void }): JSX.Element {
  const { model } = props;
  const sel = model.selectedExecution;
  return (
    <Section title="Executions" count={model.executionsTotal || model.executions.length} testid="faas-executions">
      <div className="faas-row">
        <label className="faas-field faas-inline">
          <span>status</span>
          <select
            className="jp-mod-styled"
            value={model.statusFilter}
            data-testid="faas-status-filter"
            onChange={e => void model.setStatusFilter(e.target.value)}
          >
            <option value="">all</option>
            {EXECUTION_STATUSES.map(s => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        {props.openConsole && <Button label="Open console" testid="faas-open-console-executions" onClick={props.openConsole} />}
      </div>
      {model.executions.length === 0 && <Empty text="No executions." />}
      {model.executions.length > 0 && (
        <table className="faas-table faas-executions">
          <thead>
            <tr>
              <th>id</th>
              <th>service.function</th>
              <th>status</th>
              <th>duration</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {model.executions.map(ex => (
              <tr
                key={ex.id}
                data-testid="faas-execution"
                className={sel?.id === ex.id ? 'faas-selected' : ''}
                tabIndex={0}
                onClick={() => void model.loadExecution(ex.id)}
                onKeyDown={e => e.key === 'Enter' && void model.loadExecution(ex.id)}
              >
                <td className="faas-mono">{ex.id.slice(0, 8)}</td>
                <td>
                  {ex.service}.{ex.functionName} <TriggerTag ex={ex} />
                </td>
                <td>
                  <StatusBadge status={ex.status} />
                </td>
                <td>{durationText(ex)}</td>
                <td className="faas-dim">{shortTime(ex.createdAt).slice(5)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {model.executionsTotal > model.executions.length && (
        <div className="faas-dim" data-testid="faas-executions-more">
          newest {model.executions.length} of {model.executionsTotal}: the console pages through all of them
        </div>
      )}
      <InlineMessage model={model} k="execution" />
      {sel && <ExecutionDetail model={model} ex={sel} logs={model.logs} onClose={() => model.closeExecution()} />}
    </Section>
  );
}
