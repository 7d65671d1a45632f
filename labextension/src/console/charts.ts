/**
 * Chart geometry as plain data (jest-tested); the view draws it as SVG whose colours are
 * JupyterLab theme variables, so light and dark themes both read. No chart library: three
 * small charts do not justify a bundle.
 */
import { IStats } from '../types';

export interface IBar {
  x: number;
  y: number;
  w: number;
  h: number;
  cls: string;
  label: string;
}

/** Status order of the stack (bottom first) and the class that colours each. */
export const STACK: [string, string][] = [
  ['success', 'faas-fill-success'],
  ['failed', 'faas-fill-failed'],
  ['system-failure', 'faas-fill-failed'],
  ['in-progress', 'faas-fill-running'],
  ['created', 'faas-fill-running'],
  ['terminated', 'faas-fill-neutral'],
  ['aborted', 'faas-fill-neutral'],
  ['canceled', 'faas-fill-neutral']
];

/** A "nice" axis top: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) {
    return 1;
  }
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map(m => m * p).find(v => v >= max) ?? 10 * p;
}

/** Stacked bars of executions per time bucket in a `width` x `height` plot area. */
export function stackedBars(overTime: IStats['overTime'], width: number, height: number): { bars: IBar[]; top: number } {
  const totals = overTime.map(b => Object.values(b.counts).reduce((a, n) => a + n, 0));
  const top = niceMax(Math.max(0, ...totals));
  const slot = overTime.length ? width / overTime.length : width;
  const w = Math.max(1, Math.min(slot * 0.8, 40)); // one bucket is a bar, not a wall
  const bars: IBar[] = [];
  overTime.forEach((bucket, i) => {
    let y = height;
    for (const [status, cls] of STACK) {
      const n = bucket.counts[status] ?? 0;
      if (!n) {
        continue;
      }
      const h = (n / top) * height;
      y -= h;
      bars.push({ x: i * slot + (slot - w) / 2, y, w, h, cls, label: `${bucket.t}: ${n} ${status}` });
    }
  });
  return { bars, top };
}

/** p50 and p95 bars per function, horizontal, in a `width`-wide plot. */
export function durationBars(durations: IStats['durations'], width: number, rowHeight: number): { bars: IBar[]; top: number } {
  const top = niceMax(Math.max(0, ...durations.map(d => d.p95 ?? 0)));
  const bars: IBar[] = [];
  durations.forEach((d, i) => {
    const y = i * rowHeight;
    const half = rowHeight * 0.38;
    bars.push({ x: 0, y: y + 2, w: ((d.p95 ?? 0) / top) * width, h: half, cls: 'faas-fill-p95', label: `${d.function} p95 ${fmt(d.p95)}` });
    bars.push({ x: 0, y: y + 2 + half, w: ((d.p50 ?? 0) / top) * width, h: half, cls: 'faas-fill-p50', label: `${d.function} p50 ${fmt(d.p50)}` });
  });
  return { bars, top };
}

/** Histogram bars of run durations. */
export function histogramBars(h: IStats['histogram'], width: number, height: number): { bars: IBar[]; top: number } {
  const top = niceMax(Math.max(0, ...h.counts));
  const slot = h.counts.length ? width / h.counts.length : width;
  const bars = h.counts.map((n, i) => ({
    x: i * slot + 1,
    y: height - (n / top) * height,
    w: Math.max(1, slot - 2),
    h: (n / top) * height,
    cls: 'faas-fill-p50',
    label: `${fmt(h.edges[i])}–${fmt(h.edges[i + 1])}: ${n} runs`
  }));
  return { bars, top };
}

export function fmt(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '–';
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  return seconds < 100 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}
