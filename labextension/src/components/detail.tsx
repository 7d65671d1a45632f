/** One execution in full (sidebar and console): inputs, outputs with previews, status log,
 * live logs, traceback; Rerun (optionally with edited inputs) and Terminate where it works. */
import * as React from 'react';

import { uiText } from '../messages';
import { logText, FaasModel, outputEntries } from '../model';
import { FINAL_STATUSES, IExecution, ILogLine } from '../types';
import { Button, CodeBlock, Empty, InlineMessage, PreviewView, StatusBadge } from './common';

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** Duration of a finished run, or the time since it started (or was created) while it runs. */
export function durationText(ex: IExecution, now: number = Date.now()): string {
  if (ex.duration !== null && ex.duration !== undefined) {
    return formatDuration(ex.duration);
  }
  if (FINAL_STATUSES.has(ex.status)) {
    return '';
  }
  const since = Date.parse(ex.startedAt ?? ex.createdAt ?? '');
  return Number.isNaN(since) ? '' : `${formatDuration(Math.max(0, (now - since) / 1000))} so far`;
}

export function shortTime(ts: string | undefined | null): string {
  return (ts ?? '').slice(0, 19).replace('T', ' ');
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
                  item {o.itemId.slice(0, 8)} ({o.artifactType})
                </span>
                {!preview && (
                  <Button
                    label="Preview"
                    testid="faas-preview-button"
                    busy={model.isBusy(`preview:${o.itemId}`)}
                    onClick={() => void model.loadPreview(o.itemId!)}
                  />
                )}
                <InlineMessage model={model} k={`preview:${o.itemId}`} />
                {preview && <PreviewView preview={preview} />}
              </>
            ) : (
              <CodeBlock value={o.value} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Rerun with the old inputs prefilled as JSON; only the edited ones need to change. */
function RerunForm(props: { model: FaasModel; ex: IExecution; onDone: () => void }): JSX.Element {
  const { model, ex } = props;
  const [text, setText] = React.useState(JSON.stringify(ex.input ?? {}, null, 2));
  const [problem, setProblem] = React.useState<string | null>(null);
  const submit = async () => {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (err) {
      setProblem(`the inputs are not valid JSON: ${(err as Error).message}`);
      return;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      setProblem('the inputs must be a JSON object of name: value');
      return;
    }
    setProblem(null);
    if (await model.rerun(ex.id, input as Record<string, unknown>)) {
      props.onDone();
    }
  };
  return (
    <div className="faas-form" data-testid="faas-rerun-form">
      <label className="faas-field">
        <span>inputs of the rerun</span>
        <textarea
          className="jp-mod-styled faas-code"
          rows={Math.min(12, text.split('\n').length + 1)}
          value={text}
          data-testid="faas-rerun-input"
          aria-invalid={problem ? true : undefined}
          onChange={e => setText(e.target.value)}
        />
      </label>
      {problem && (
        <span className="faas-field-error" role="alert">
          {problem}
        </span>
      )}
      <Button label="Run again" accept testid="faas-rerun-submit" busy={model.isBusy(`execution:${ex.id}`)} onClick={() => void submit()} />
      <Button label="Cancel" onClick={props.onDone} />
    </div>
  );
}

export function ExecutionDetail(props: {
  model: FaasModel;
  ex: IExecution;
  logs: ILogLine[];
  onClose: () => void;
}): JSX.Element {
  const { model, ex } = props;
  const [editing, setEditing] = React.useState(false);
  const key = `execution:${ex.id}`;
  const running = !FINAL_STATUSES.has(ex.status);
  const logs = logText(props.logs);
  const neutral = ex.status === 'terminated' || ex.status === 'canceled' || ex.status === 'aborted';
  return (
    <div className="faas-detail" data-testid="faas-execution-detail">
      <div className="faas-row">
        <span className="faas-name">{ex.functionName}</span> <StatusBadge status={ex.status} />
        <span className="faas-dim">{durationText(ex)}</span>
        {ex.progress !== null && ex.progress !== undefined && running && <span className="faas-dim">{ex.progress}%</span>}
        <Button label="Rerun" testid="faas-rerun" busy={model.isBusy(key) && !editing} onClick={() => void model.rerun(ex.id)} />
        <Button label="Rerun with inputs…" testid="faas-rerun-edit" onClick={() => setEditing(!editing)} />
        {running && model.canTerminate(ex) && (
          <Button label="Terminate" warn testid="faas-terminate" busy={model.isBusy(key)} busyLabel="Terminating…" onClick={() => void model.terminate(ex.id)} />
        )}
        <Button label="Close" onClick={props.onClose} />
      </div>
      <InlineMessage model={model} k={key} />
      {editing && <RerunForm model={model} ex={ex} onDone={() => setEditing(false)} />}
      <div className="faas-dim">
        {ex.id} · {ex.service} @ {ex.packageRevision} · by {ex.creator ?? '?'} · {shortTime(ex.createdAt)} · attempts{' '}
        {ex.attempts ?? 0}
      </div>
      <div className="faas-dim" data-testid="faas-started-by">
        {ex.trigger
          ? `started by trigger ${ex.trigger.name}${ex.trigger.eventId ? ` · event ${ex.trigger.eventId.slice(0, 12)}` : ''}`
          : `started by ${ex.creator ?? '?'}`}
      </div>
      {ex.error && (
        <pre className={neutral ? 'faas-code faas-ended' : 'faas-error'} data-testid="faas-traceback" tabIndex={0}>
          {neutral ? uiText(ex.error) : ex.traceback ?? ex.error}
        </pre>
      )}
      <div className="faas-subtitle">inputs</div>
      <CodeBlock value={ex.input ?? {}} testid="faas-inputs" />
      <div className="faas-subtitle">outputs</div>
      <Outputs model={model} ex={ex} />
      <div className="faas-subtitle">status log</div>
      <ul className="faas-statuslog">
        {(ex.statusLog ?? []).map((s, i) => (
          <li key={i}>
            {(s.timestamp ?? s.ts ?? '').slice(11, 23)} {s.status}
            {s.message ? ` · ${uiText(s.message)}` : ''}
          </li>
        ))}
      </ul>
      <div className="faas-subtitle">logs{running ? ' (live)' : ''}</div>
      <pre className="faas-logs faas-code" data-testid="faas-logs" tabIndex={0} aria-label="logs">
        {logs || '(no logs)'}
      </pre>
    </div>
  );
}
