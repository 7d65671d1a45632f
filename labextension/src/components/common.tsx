/** Small render-only building blocks shared by the sections. */
import * as React from 'react';

import { fieldKind, initialText } from '../inputs';
import { IFunctionIO, IPreview } from '../types';

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
}): JSX.Element {
  const cls = props.accept ? 'jp-mod-accept' : props.warn ? 'jp-mod-warn' : 'jp-mod-reject';
  return (
    <button
      className={`jp-mod-styled faas-button ${cls}`}
      disabled={props.disabled}
      data-testid={props.testid}
      title={props.title}
      onClick={e => {
        e.stopPropagation();
        props.onClick();
      }}
    >
      {props.label}
    </button>
  );
}

export function StatusBadge(props: { status: string }): JSX.Element {
  return (
    <span className={`faas-status faas-status-${props.status}`} data-testid="faas-status">
      {props.status}
    </span>
  );
}

export function ioText(ios: IFunctionIO[]): string {
  return ios.map(io => `${io.name}: ${io.type}`).join(', ');
}

/** One field per FunctionIO, typed by its FunctionIO type. */
export function InputFields(props: {
  ios: IFunctionIO[];
  values: Record<string, string | boolean>;
  onChange: (name: string, value: string | boolean) => void;
}): JSX.Element {
  return (
    <div className="faas-fields">
      {props.ios.map(io => {
        const kind = fieldKind(io.type);
        const value = props.values[io.name] ?? initialText(io);
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
            ) : kind === 'json' ? (
              <textarea
                className="jp-mod-styled"
                value={String(value)}
                placeholder="JSON"
                onChange={e => props.onChange(io.name, e.target.value)}
              />
            ) : (
              <input
                className="jp-mod-styled"
                type={kind === 'text' ? 'text' : 'number'}
                step={kind === 'integer' ? 1 : 'any'}
                value={String(value)}
                data-testid={`faas-input-${io.name}`}
                onChange={e => props.onChange(io.name, e.target.value)}
              />
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
      <div className="faas-preview" data-testid="faas-preview">
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
    <pre className="faas-preview" data-testid="faas-preview">
      {text}
    </pre>
  );
}
