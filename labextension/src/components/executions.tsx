/** Executions: live status, filters, details with logs, outputs and previews. */
import * as React from 'react';

import { FaasModel, outputEntries } from '../model';
import { EXECUTION_STATUSES, FINAL_STATUSES, IExecution } from '../types';
import { Button, Empty, PreviewView, Section, StatusBadge } from './common';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  return seconds < 60 ? `${seconds.toFixed(2)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function Outputs(props: { model: FaasModel; ex: IExecution }): JSX.Element {
  const { model } = props;
  const entries = outputEntries(props.ex.output);
  if (!entries.length) {
    return <Empty text="no outputs" />;
  }
  return (
    <ul className="faas-outputs" data-testid="faas-outputs">
      {entries.map(o => {
        const preview = o.itemId ? model.previews.get(o.itemId) : undefined;
        return (
          <li key={o.key}>
            <span className="faas-name">{o.key}</span>{' '}
            {o.itemId ? (
              <>
                <span className="faas-dim">
                  item {o.itemId} ({o.artifactType})
                </span>
                {!preview && <Button label="Preview" testid="faas-preview-button" onClick={() => void model.loadPreview(o.itemId!)} />}
                {preview && <PreviewView preview={preview} />}
              </>
            ) : (
              <code>{JSON.stringify(o.value)}</code>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function ExecutionDetail(props: { model: FaasModel; ex: IExecution }): JSX.Element {
  const { model, ex } = props;
  const running = !FINAL_STATUSES.has(ex.status);
  return (
    <div className="faas-detail" data-testid="faas-execution-detail">
      <div className="faas-row">
        <span className="faas-name">{ex.functionName}</span> <StatusBadge status={ex.status} />
        <span className="faas-dim">{formatDuration(ex.duration)}</span>
        <Button label="Rerun" testid="faas-rerun" onClick={() => void model.rerun(ex.id)} />
        <Button label="Terminate" warn disabled={!running} onClick={() => void model.terminate(ex.id)} />
        <Button label="Close" onClick={() => model.closeExecution()} />
      </div>
      <div className="faas-dim">
        {ex.id} · {ex.service} @ {ex.packageRevision} · attempts {ex.attempts ?? 0}
      </div>
      {ex.error && <pre className="faas-error">{ex.traceback ?? ex.error}</pre>}
      <div className="faas-subtitle">input</div>
      <code>{JSON.stringify(ex.input ?? {})}</code>
      <div className="faas-subtitle">outputs</div>
      <Outputs model={model} ex={ex} />
      <div className="faas-subtitle">status log</div>
      <ul className="faas-statuslog">
        {(ex.statusLog ?? []).map((s, i) => (
          <li key={i}>
            {(s.timestamp ?? s.ts ?? '').slice(11, 23)} {s.status} {s.message}
          </li>
        ))}
      </ul>
      <div className="faas-subtitle">logs</div>
      <pre className="faas-logs" data-testid="faas-logs">
        {model.logs.map(l => `${l.stream ? `[${l.stream}] ` : ''}${l.text}`).join('\n') || '(no logs)'}
      </pre>
    </div>
  );
}

export function ExecutionsSection(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  const sel = model.selectedExecution;
  return (
    <Section title="Executions" count={model.executions.length} testid="faas-executions">
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
      {model.executions.length === 0 && <Empty text="No executions." />}
      <table className="faas-table faas-executions">
        <tbody>
          {model.executions.map(ex => (
            <tr
              key={ex.id}
              data-testid="faas-execution"
              className={sel?.id === ex.id ? 'faas-selected' : ''}
              onClick={() => void model.loadExecution(ex.id)}
            >
              <td>{ex.service}</td>
              <td>{ex.functionName}</td>
              <td>
                <StatusBadge status={ex.status} />
              </td>
              <td>{formatDuration(ex.duration)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sel && <ExecutionDetail model={model} ex={sel} />}
    </Section>
  );
}
