/** Small render-only building blocks shared by the sections. */
import * as React from 'react';

import { fieldKind, initialText } from '../inputs';
import { FaasModel } from '../model';
import { IConsoleItem, IFunctionIO, IPreview } from '../types';

/** A titled, open section; `empty` is shown first in its body when `count` is 0. */
export function Section(props: {
  title: string;
  count?: number;
  testid: string;
  empty?: string;
  children?: React.ReactNode;
}): JSX.Element {
  return (
    <details className="faas-section" open data-testid={props.testid}>
      <summary className="faas-section-title">
        {props.title}
        {props.count !== undefined && <span className="faas-count">{props.count}</span>}
      </summary>
      <div className="faas-section-body">
        {props.count === 0 && props.empty && <Empty text={props.empty} />}
        {props.children}
      </div>
    </details>
  );
}

/** A closed <details> that calls `load` when it is opened while `loaded` is false. */
export function LazyDetails(props: {
  className: string;
  testid: string;
  loaded: boolean;
  load: () => Promise<unknown>;
  summary: React.ReactNode;
  children?: React.ReactNode;
}): JSX.Element {
  return (
    <details
      className={props.className}
      data-testid={props.testid}
      onToggle={e => {
        if ((e.target as HTMLDetailsElement).open && !props.loaded) {
          void props.load();
        }
      }}
    >
      <summary>{props.summary}</summary>
      {props.children}
    </details>
  );
}

export function Empty(props: { text: string }): JSX.Element {
  return <div className="faas-empty">{props.text}</div>;
}

export function Button(props: {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  accept?: boolean;
  warn?: boolean;
  testid?: string;
  title?: string;
  /** The action runs: the button is disabled and says so. */
  busy?: boolean;
  busyLabel?: string;
}): JSX.Element {
  const cls = props.accept ? 'jp-mod-accept' : props.warn ? 'jp-mod-warn' : 'jp-mod-reject';
  return (
    <button
      className={`jp-mod-styled faas-button ${cls}${props.busy ? ' faas-busy' : ''}`}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy ? true : undefined}
      data-testid={props.testid}
      title={props.title}
      onClick={e => {
        e.stopPropagation();
        props.onClick();
      }}
    >
      {props.busy ? (props.busyLabel ?? `${props.label.replace(/…$/, '')}…`) : props.label}
    </button>
  );
}

/** The error (or notice) of one control, shown next to it until dismissed or retried. */
export function InlineMessage(props: { model: FaasModel; k: string }): JSX.Element | null {
  const { model, k } = props;
  const error = model.errorOf(k);
  const notice = model.notices.get(k);
  if (!error && !notice) {
    return null;
  }
  return (
    <div
      className={error ? 'faas-error faas-inline-message' : 'faas-notice faas-inline-message'}
      role={error ? 'alert' : 'status'}
      data-testid={error ? 'faas-inline-error' : 'faas-inline-notice'}
    >
      <span>{error ?? notice}</span>
      <button className="faas-dismiss" aria-label="Dismiss" title="Dismiss" onClick={() => model.dismiss(k)}>
        ×
      </button>
    </div>
  );
}

/** Status words as the UI says them; the badge's class keeps the raw status. */
export function StatusBadge(props: { status: string }): JSX.Element {
  return (
    <span className={`faas-status faas-status-${props.status}`} data-testid="faas-status">
      {props.status}
    </span>
  );
}

/** A JSON value as a readable, theme-coloured code block. */
export function CodeBlock(props: { value: unknown; testid?: string }): JSX.Element {
  return (
    <pre className="faas-code" data-testid={props.testid} tabIndex={0}>
      {JSON.stringify(props.value ?? null, null, 2)}
    </pre>
  );
}

/** Item inputs: search the project's items (newest first); the typed id is the fallback. */
export function ItemPicker(props: {
  model: FaasModel;
  name: string;
  value: string;
  onChange: (value: string) => void;
}): JSX.Element {
  const { model } = props;
  const [open, setOpen] = React.useState(false);
  const [found, setFound] = React.useState<IConsoleItem[]>([]);
  const [problem, setProblem] = React.useState<string | null>(null);
  const search = React.useRef(0);
  const lookUp = (text: string) => {
    const ticket = ++search.current;
    window.setTimeout(async () => {
      if (ticket !== search.current) {
        return; // typed again meanwhile
      }
      try {
        const page = await model.console.items({ search: /^[0-9a-f]{32}$/.test(text) ? '' : text, limit: 8 });
        if (ticket === search.current) {
          setFound(page.items);
          setProblem(null);
        }
      } catch (err) {
        setProblem((err as Error).message);
      }
    }, 200);
  };
  const listId = `faas-items-${props.name}`;
  return (
    <div className="faas-picker">
      <input
        className="jp-mod-styled"
        value={props.value}
        placeholder="search items by key, or paste an id"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-label={`${props.name}: item`}
        data-testid={`faas-input-${props.name}`}
        onFocus={() => {
          setOpen(true);
          lookUp(props.value);
        }}
        onBlur={() => window.setTimeout(() => setOpen(false), 200)}
        onChange={e => {
          props.onChange(e.target.value);
          setOpen(true);
          lookUp(e.target.value);
        }}
      />
      {open && (
        <ul className="faas-picker-list" id={listId} role="listbox" data-testid="faas-item-options">
          {problem && <li className="faas-error">{problem}</li>}
          {!problem && found.length === 0 && <li className="faas-empty">no matching items</li>}
          {found.map(it => (
            <li
              key={it.id}
              role="option"
              aria-selected={props.value === it.id}
              data-testid="faas-item-option"
              onMouseDown={e => {
                e.preventDefault(); // keep focus: blur would close the list before the click
                props.onChange(it.id);
                setOpen(false);
              }}
            >
              <span className="faas-name">{it.key}</span> <span className="faas-dim">{it.artifactType}</span>
              <span className="faas-dim">
                {it.executionFunction ? `from ${it.executionService}.${it.executionFunction}` : it.dataset ?? ''}{' '}
                {(it.createdAt ?? '').slice(0, 16).replace('T', ' ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ioText(ios: IFunctionIO[]): string {
  return ios.map(io => `${io.name}: ${io.type}`).join(', ');
}

/** One field per FunctionIO, typed by its FunctionIO type; `errors` shows per-field messages. */
export function InputFields(props: {
  ios: IFunctionIO[];
  values: Record<string, string | boolean>;
  onChange: (name: string, value: string | boolean) => void;
  model?: FaasModel;
  errors?: Record<string, string>;
}): JSX.Element {
  return (
    <div className="faas-fields">
      {props.ios.map(io => {
        const kind = fieldKind(io.type);
        const value = props.values[io.name] ?? initialText(io);
        const problem = props.errors?.[io.name];
        const isItem = io.type === 'Item' && props.model;
        return (
          <label key={io.name} className="faas-field">
            <span>
              {io.name} <em>{io.type}</em>
            </span>
            {kind === 'boolean' ? (
              <input
                type="checkbox"
                checked={value === true}
                onChange={e => props.onChange(io.name, e.target.checked)}
              />
            ) : isItem ? (
              <ItemPicker model={props.model!} name={io.name} value={String(value)} onChange={v => props.onChange(io.name, v)} />
            ) : kind === 'json' ? (
              <textarea
                className="jp-mod-styled"
                value={String(value)}
                placeholder="JSON"
                aria-invalid={problem ? true : undefined}
                data-testid={`faas-input-${io.name}`}
                onChange={e => props.onChange(io.name, e.target.value)}
              />
            ) : (
              <input
                className="jp-mod-styled"
                type="text"
                inputMode={kind === 'text' ? undefined : kind === 'integer' ? 'numeric' : 'decimal'}
                value={String(value)}
                aria-invalid={problem ? true : undefined}
                data-testid={`faas-input-${io.name}`}
                onChange={e => props.onChange(io.name, e.target.value)}
              />
            )}
            {problem && (
              <span className="faas-field-error" role="alert" data-testid="faas-field-error">
                {problem}
              </span>
            )}
          </label>
        );
      })}
    </div>
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) {
    return '';
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A DataFrame/array preview as a table; anything else as text. */
export function PreviewView(props: { preview: IPreview }): JSX.Element {
  const p = props.preview;
  if (p.columns && p.data) {
    return (
      <div className="faas-preview" data-testid="faas-preview" tabIndex={0}>
        {p.shape && <div className="faas-dim">shape {p.shape.join(' × ')}</div>}
        <table className="faas-table">
          <thead>
            <tr>
              {p.columns.map(c => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.data.map((row, i) => (
              <tr key={i}>
                {row.map((v, j) => (
                  <td key={j}>{cell(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {p.truncated && <div className="faas-dim">(first rows only)</div>}
      </div>
    );
  }
  const text = p.text ?? JSON.stringify(p.value ?? p, null, 1);
  return (
    <pre className="faas-preview" data-testid="faas-preview" tabIndex={0}>
      {text}
    </pre>
  );
}
