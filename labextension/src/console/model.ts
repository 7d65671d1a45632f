/**
 * State of the main-area console: the executions table (server-side sort, filters and
 * paging), the open execution with its log lines streamed by offset, charts, items with
 * lineage, and revision diffs. Actions, services and previews come from the sidebar's
 * FaasModel (one REST client, one set of per-control errors).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { uiMessage } from '../messages';
import { FaasModel } from '../model';
import {
  FINAL_STATUSES,
  IConsoleItem,
  IConsoleQuery,
  IDiff,
  IExecution,
  IFilterValues,
  ILineage,
  ILogLine,
  IRevision,
  IStats
} from '../types';
import { sortVersions } from '../versions';

export type Tab = 'executions' | 'charts' | 'items' | 'packages' | 'triggers';

/** Time-range presets of the filter: label and length in hours (0: any time). */
export const RANGES: [string, string, number][] = [
  ['', 'any time', 0],
  ['1h', 'last hour', 1],
  ['24h', 'last 24 hours', 24],
  ['7d', 'last 7 days', 24 * 7],
  ['30d', 'last 30 days', 24 * 30]
];

export interface IFilters {
  service: string;
  function: string;
  status: string;
  user: string;
  range: string;
}

export const NO_FILTERS: IFilters = { service: '', function: '', status: '', user: '', range: '' };

/** The REST query of a table state (`now` fixes "since" for the time range). */
export function toQuery(
  f: IFilters,
  sort: { key: string; desc: boolean },
  page: { limit: number; offset: number },
  now: number = Date.now()
): IConsoleQuery {
  const hours = RANGES.find(r => r[0] === f.range)?.[2] ?? 0;
  return {
    service: f.service || undefined,
    function: f.function || undefined,
    status: f.status || undefined,
    user: f.user || undefined,
    since: hours ? new Date(now - hours * 3600_000).toISOString() : undefined,
    sort: sort.key,
    order: sort.desc ? 'desc' : 'asc',
    limit: page.limit,
    offset: page.offset
  };
}

export class ConsoleModel {
  constructor(readonly shared: FaasModel) {}

  tab: Tab = 'executions';
  filters: IFilters = { ...NO_FILTERS };
  sort = { key: 'created', desc: true };
  limit = 50;
  offset = 0;
  rows: IExecution[] = [];
  total = 0;
  loading = false;
  error: string | null = null;
  values: IFilterValues | null = null;
  selected: IExecution | null = null;
  logs: ILogLine[] = [];
  stats: IStats | null = null;
  itemSearch = { search: '', type: '' };
  itemOffset = 0;
  items: IConsoleItem[] = [];
  itemsTotal = 0;
  lineage: ILineage | null = null;
  pkg = '';
  diffPair: [string, string] = ['', ''];
  diff: IDiff | null = null;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get api() {
    return this.shared.console;
  }

  /** Open one execution in the Executions tab (e.g. a run a trigger started). */
  showExecution(id: string): void {
    this.tab = 'executions';
    this.emit();
    void this.openExecution(id);
  }

  setTab(tab: Tab): void {
    this.tab = tab;
    this.emit();
    void this.refresh();
  }

  /** Reload what the open tab shows (each tick while the console is visible). */
  async refresh(): Promise<void> {
    if (this.loading) {
      this._again = true; // a filter changed during a load: load again with it afterwards
      return;
    }
    this.loading = true;
    this.emit();
    try {
      if (this.tab === 'executions') {
        await this.loadPage();
      } else if (this.tab === 'charts') {
        this.stats = await this.api.stats(this.query());
      } else if (this.tab === 'items') {
        await this.loadItems();
      } else if (this.tab === 'packages' && !this.shared.revisions.has(this.pkg) && this.pkg) {
        await this.shared.loadRevisions(this.pkg);
      }
      this.error = null;
    } catch (err) {
      this.error = uiMessage(err);
    } finally {
      this.loading = false;
      this.emit();
    }
    if (this._again) {
      this._again = false;
      await this.refresh();
    }
  }

  query(): IConsoleQuery {
    return toQuery(this.filters, this.sort, { limit: this.limit, offset: this.offset });
  }

  private async loadPage(): Promise<void> {
    const [page, values] = await Promise.all([
      this.api.executions(this.query()),
      this.values ? Promise.resolve(this.values) : this.api.filters()
    ]);
    this.rows = page.items;
    this.total = page.total;
    this.values = values;
    const sel = this.selected;
    if (sel && !FINAL_STATUSES.has(sel.status)) {
      await this.openExecution(sel.id);
    }
  }

  setFilter(name: keyof IFilters, value: string): void {
    this.filters = { ...this.filters, [name]: value };
    this.offset = 0;
    this.values = null; // new services or users may have appeared
    void this.refresh();
  }

  /** Click on a column header: sort by it, or flip the direction. */
  sortBy(key: string): void {
    this.sort = this.sort.key === key ? { key, desc: !this.sort.desc } : { key, desc: key === 'created' || key === 'duration' };
    this.offset = 0;
    void this.refresh();
  }

  /** Go to the page that starts at `offset` (clamped to the rows that exist). */
  goTo(offset: number): void {
    const last = Math.max(0, Math.floor((this.total - 1) / this.limit) * this.limit);
    this.offset = Math.min(Math.max(0, offset), last);
    void this.refresh();
  }

  /** Open (or re-read) an execution; log lines come incrementally after the first read. */
  async openExecution(id: string): Promise<void> {
    const fresh = this.selected?.id !== id;
    await this.shared.guard('console:execution', async () => {
      const [ex, page] = await Promise.all([
        this.shared.api.execution(id),
        this.api.logLines(id, fresh ? 0 : this._logOffset)
      ]);
      this.selected = ex;
      this.logs = fresh ? page.lines : [...this.logs, ...page.lines];
      this._logOffset = page.next;
    });
    this.emit();
  }

  closeExecution(): void {
    this.selected = null;
    this.logs = [];
    this.emit();
  }

  setItemSearch(search: string, type: string): void {
    this.itemSearch = { search, type };
    this.itemOffset = 0;
    void this.refresh();
  }

  itemsGoTo(offset: number): void {
    this.itemOffset = Math.max(0, Math.min(offset, Math.max(0, this.itemsTotal - 1)));
    void this.refresh();
  }

  private async loadItems(): Promise<void> {
    const [page, values] = await Promise.all([
      this.api.items({ search: this.itemSearch.search, type: this.itemSearch.type, limit: this.limit, offset: this.itemOffset }),
      this.values ? Promise.resolve(this.values) : this.api.filters()
    ]);
    this.items = page.items;
    this.itemsTotal = page.total;
    this.values = values;
  }

  async openLineage(itemId: string): Promise<void> {
    await this.shared.guard('console:lineage', async () => {
      this.lineage = await this.api.lineage(itemId);
    });
    void this.shared.loadPreview(itemId);
    this.emit();
  }

  /** Choose a package: its revisions load, and the diff defaults to the last two. */
  async choosePackage(name: string): Promise<void> {
    this.pkg = name;
    this.diff = null;
    if (!this.shared.revisions.has(name)) {
      await this.shared.loadRevisions(name);
    }
    const versions = sortVersions(this.revisionsOf(name).map(r => r.version));
    const n = versions.length;
    this.diffPair = [versions[Math.max(0, n - 2)] ?? '', versions[n - 1] ?? ''];
    this.emit();
    if (n > 1) {
      await this.loadDiff();
    }
  }

  revisionsOf(name: string): IRevision[] {
    return this.shared.revisions.get(name) ?? [];
  }

  async setDiffPair(a: string, b: string): Promise<void> {
    this.diffPair = [a, b];
    await this.loadDiff();
  }

  private async loadDiff(): Promise<void> {
    const [a, b] = this.diffPair;
    await this.shared.guard('console:diff', async () => {
      this.diff = await this.shared.api.diff(this.pkg, a, b);
    });
    this.emit();
  }

  /** Poll the open tab while the console is visible (the shared model polls the summary). */
  setVisible(visible: boolean): void {
    this.shared.setVisible('console', visible);
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
    const seconds = this.shared.refreshInterval;
    if (visible) {
      void this.refresh();
      if (seconds > 0) {
        this._timer = setInterval(() => void this.refresh(), seconds * 1000);
      }
    }
  }

  dispose(): void {
    this.setVisible(false);
    Signal.clearData(this);
  }

  emit(): void {
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _logOffset = 0;
  private _again = false;
}
