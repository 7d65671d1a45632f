/** The console's Charts, Items and Packages tabs. */
import * as React from 'react';

import { Button, CodeBlock, Empty, InlineMessage, PreviewView, StatusBadge } from '../components/common';
import { shortTime } from '../components/detail';
import { sortVersions } from '../versions';
import { durationBars, fmt, histogramBars, IBar, STACK, stackedBars } from './charts';
import { sideBySide } from './diff';
import { Pager } from './executionsTab';
import { ConsoleModel } from './model';

const W = 640;
const H = 180;
const PAD = { left: 48, bottom: 22, top: 8 };

function Bars(props: { bars: IBar[] }): JSX.Element {
  return (
    <>
      {props.bars.map((b, i) => (
        <rect key={i} x={b.x} y={b.y} width={b.w} height={Math.max(0, b.h)} className={b.cls}>
          <title>{b.label}</title>
        </rect>
      ))}
    </>
  );
}

function Frame(props: { title: string; top: string; left?: string; right?: string; height?: number; children: React.ReactNode }): JSX.Element {
  const h = props.height ?? H;
  return (
    <figure className="faas-chart" data-testid="faas-chart">
      <figcaption className="faas-subtitle">{props.title}</figcaption>
      <svg width={W + PAD.left + 8} height={h + PAD.bottom + PAD.top} role="img" aria-label={props.title}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          <line x1={0} y1={h} x2={W} y2={h} className="faas-axis" />
          <line x1={0} y1={0} x2={0} y2={h} className="faas-axis" />
          <text x={-6} y={8} textAnchor="end" className="faas-axis-text">
            {props.top}
          </text>
          <text x={-6} y={h} textAnchor="end" className="faas-axis-text">
            0
          </text>
          {props.children}
          {props.left && (
            <text x={0} y={h + 16} className="faas-axis-text">
              {props.left}
            </text>
          )}
          {props.right && (
            <text x={W} y={h + 16} textAnchor="end" className="faas-axis-text">
              {props.right}
            </text>
          )}
        </g>
      </svg>
    </figure>
  );
}

export function ChartsTab(props: { model: ConsoleModel }): JSX.Element {
  const s = props.model.stats;
  if (!s) {
    return <Empty text="loading charts…" />;
  }
  const over = stackedBars(s.overTime, W, H);
  const rowH = 28;
  const dur = durationBars(s.durations, W - 120, rowH);
  const hist = histogramBars(s.histogram, W, H * 0.7);
  const used = new Set(s.overTime.flatMap(b => Object.keys(b.counts)));
  return (
    <div className="faas-charts" data-testid="faas-charts">
      <div className="faas-dim">Charts use the filters of the Executions tab.</div>
      <Frame title={`Executions per ${s.bucket}, stacked by status`} top={String(over.top)} left={s.overTime[0]?.t} right={s.overTime[s.overTime.length - 1]?.t}>
        <Bars bars={over.bars} />
      </Frame>
      <div className="faas-legend">
        {STACK.filter(([st]) => used.has(st)).map(([st, cls]) => (
          <span key={st}>
            <svg width="10" height="10" aria-hidden="true">
              <rect width="10" height="10" className={cls} />
            </svg>{' '}
            {st}
          </span>
        ))}
      </div>
      <Frame title="Duration per function: p95 (upper bar) and p50" top="" right={fmt(dur.top)} height={Math.max(rowH, s.durations.length * rowH)}>
        <g transform="translate(120,0)">
          <Bars bars={dur.bars} />
        </g>
        {s.durations.map((d, i) => (
          <text key={d.function} x={4} y={i * rowH + rowH / 2 + 4} className="faas-axis-text">
            {d.function} ({d.count})
          </text>
        ))}
      </Frame>
      <table className="faas-table faas-narrow" data-testid="faas-duration-table">
        <thead>
          <tr>
            <th>function</th>
            <th>runs</th>
            <th>p50</th>
            <th>p95</th>
            <th>max</th>
          </tr>
        </thead>
        <tbody>
          {s.durations.map(d => (
            <tr key={d.function}>
              <td>{d.function}</td>
              <td>{d.count}</td>
              <td>{fmt(d.p50)}</td>
              <td>{fmt(d.p95)}</td>
              <td>{fmt(d.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Frame title="Histogram of durations" top={String(hist.top)} left="0" right={fmt(s.histogram.edges[s.histogram.edges.length - 1])} height={H * 0.7}>
        <Bars bars={hist.bars} />
      </Frame>
    </div>
  );
}

function Lineage(props: { model: ConsoleModel }): JSX.Element | null {
  const { model } = props;
  const l = model.lineage;
  if (!l) {
    return <Empty text="Select an item to see its preview and lineage." />;
  }
  const preview = model.shared.previews.get(l.item.id);
  const open = (id: string) => {
    model.setTab('executions');
    void model.openExecution(id);
  };
  return (
    <div className="faas-detail" data-testid="faas-lineage">
      <div className="faas-row">
        <span className="faas-name">{l.item.key}</span> <span className="faas-dim">{l.item.artifactType}</span>
      </div>
      <div className="faas-dim">
        {l.item.id} · {l.item.dataset ? `dataset ${l.item.dataset}` : 'no dataset'} · {shortTime(l.item.createdAt)}
      </div>
      <div className="faas-subtitle">produced by</div>
      {l.producedBy ? (
        <div data-testid="faas-produced-by">
          <button className="faas-linkbutton" onClick={() => open(l.producedBy!.id)}>
            {l.producedBy.service}.{l.producedBy.functionName} {l.producedBy.id.slice(0, 8)}
          </button>{' '}
          <StatusBadge status={l.producedBy.status} /> at revision {l.revision?.package} {l.revision?.version}
          <div className="faas-dim">from inputs:</div>
          {l.inputs.length ? (
            <ul className="faas-list">
              {l.inputs.map(i => (
                <li key={i.id}>
                  {i.input} = <button className="faas-linkbutton" onClick={() => void model.openLineage(i.id)}>{i.key}</button> ({i.artifactType})
                </li>
              ))}
            </ul>
          ) : (
            <CodeBlock value={l.producedBy.input ?? {}} />
          )}
        </div>
      ) : (
        <Empty text="logged directly (not by an execution)" />
      )}
      <div className="faas-subtitle">used since by</div>
      {l.usedBy.length ? (
        <ul className="faas-list" data-testid="faas-used-by">
          {l.usedBy.map(e => (
            <li key={e.id}>
              <button className="faas-linkbutton" onClick={() => open(e.id)}>
                {e.service}.{e.functionName} {e.id.slice(0, 8)}
              </button>{' '}
              <StatusBadge status={e.status} />
            </li>
          ))}
        </ul>
      ) : (
        <Empty text="not used as an input yet" />
      )}
      <div className="faas-subtitle">preview</div>
      <InlineMessage model={model.shared} k={`preview:${l.item.id}`} />
      {preview ? <PreviewView preview={preview} /> : <Empty text="loading preview…" />}
    </div>
  );
}

export function ItemsTab(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  const [text, setText] = React.useState(model.itemSearch.search);
  const types = model.values?.itemTypes ?? [];
  return (
    <div className="faas-console-split">
      <div className="faas-console-main">
        <div className="faas-filters">
          <label className="faas-field faas-inline">
            <span>search</span>
            <input
              className="jp-mod-styled"
              value={text}
              placeholder="key, item id or execution id"
              data-testid="faas-item-search"
              onChange={e => {
                setText(e.target.value);
                model.setItemSearch(e.target.value, model.itemSearch.type);
              }}
            />
          </label>
          <label className="faas-field faas-inline">
            <span>type</span>
            <select className="jp-mod-styled" value={model.itemSearch.type} onChange={e => model.setItemSearch(text, e.target.value)}>
              <option value="">any type</option>
              {types.map(t => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        </div>
        <Pager offset={model.itemOffset} limit={model.limit} total={model.itemsTotal} goTo={o => model.itemsGoTo(o)} testid="faas-items-pager" />
        <table className="faas-table faas-executions faas-console-table" data-testid="faas-console-items">
          <thead>
            <tr>
              <th>key</th>
              <th>type</th>
              <th>dataset</th>
              <th>produced by</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {model.items.map(it => (
              <tr
                key={it.id}
                data-testid="faas-console-item"
                tabIndex={0}
                className={model.lineage?.item.id === it.id ? 'faas-selected' : ''}
                onClick={() => void model.openLineage(it.id)}
                onKeyDown={e => e.key === 'Enter' && void model.openLineage(it.id)}
              >
                <td className="faas-name">{it.key}</td>
                <td>{it.artifactType}</td>
                <td>{it.dataset ?? ''}</td>
                <td>{it.execution ? `${it.executionService}.${it.executionFunction} ${it.execution.slice(0, 8)}` : ''}</td>
                <td>{shortTime(it.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {model.items.length === 0 && !model.loading && <Empty text="No items match." />}
      </div>
      <div className="faas-console-side">
        <InlineMessage model={model.shared} k="console:lineage" />
        <Lineage model={model} />
      </div>
    </div>
  );
}

function DiffFile(props: { path: string; unified: string }): JSX.Element {
  const rows = sideBySide(props.unified);
  return (
    <div className="faas-diff-file" data-testid="faas-diff-file">
      <div className="faas-subtitle">{props.path}</div>
      <table className="faas-diff-table">
        <tbody>
          {rows.map((r, i) =>
            r.hunk ? (
              <tr key={i} className="faas-diff-hunk">
                <td colSpan={4}>{r.hunk}</td>
              </tr>
            ) : (
              <tr key={i}>
                <td className="faas-diff-n">{r.left?.n ?? ''}</td>
                <td className={`faas-diff-${r.left?.kind ?? 'none'}`}>{r.left?.text ?? ''}</td>
                <td className="faas-diff-n">{r.right?.n ?? ''}</td>
                <td className={`faas-diff-${r.right?.kind ?? 'none'}`}>{r.right?.text ?? ''}</td>
              </tr>
            )
          )}
        </tbody>
      </table>
    </div>
  );
}

export function PackagesTab(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  const packages = model.shared.packages;
  const revs = model.revisionsOf(model.pkg);
  const versions = sortVersions(revs.map(r => r.version)).reverse();
  const byVersion = new Map(revs.map(r => [r.version, r]));
  const [a, b] = model.diffPair;
  const d = model.diff;
  return (
    <div className="faas-packages-tab">
      <div className="faas-filters">
        <label className="faas-field faas-inline">
          <span>package</span>
          <select className="jp-mod-styled" value={model.pkg} data-testid="faas-console-package" onChange={e => void model.choosePackage(e.target.value)}>
            <option value="">choose a package</option>
            {packages.map(p => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
      </div>
      <InlineMessage model={model.shared} k={`revisions:${model.pkg}`} />
      {model.pkg && (
        <table className="faas-table faas-console-table" data-testid="faas-revisions-table">
          <thead>
            <tr>
              <th>version</th>
              <th>created</th>
              <th>author</th>
              <th>message</th>
              <th>compare</th>
            </tr>
          </thead>
          <tbody>
            {versions.map(v => {
              const r = byVersion.get(v)!;
              return (
                <tr key={v}>
                  <td className="faas-name">{v}</td>
                  <td>{shortTime(r.createdAt)}</td>
                  <td>{r.creator}</td>
                  <td>{r.message}</td>
                  <td>
                    <Button label="as old" disabled={v === a} onClick={() => void model.setDiffPair(v, b)} />
                    <Button label="as new" disabled={v === b} onClick={() => void model.setDiffPair(a, v)} />
                    <a className="faas-link" href={model.shared.api.codebaseUrl(model.pkg, v)} download>
                      zip
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <InlineMessage model={model.shared} k="console:diff" />
      {d && (
        <div className="faas-diff" data-testid="faas-console-diff">
          <div className="faas-form-title">
            {d.package}: {d.a} → {d.b} · {d.added.length} added, {d.removed.length} removed, {d.changed.length} changed
          </div>
          {Object.keys(d.unified).length === 0 && !d.specUnified && <Empty text="no differences" />}
          {Object.entries(d.unified)
            .sort()
            .map(([path, text]) => (
              <DiffFile key={path} path={path} unified={text} />
            ))}
          {d.specUnified && <DiffFile path="package JSON" unified={d.specUnified} />}
        </div>
      )}
    </div>
  );
}
