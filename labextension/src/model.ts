/**
 * Sidebar state and polling, shared with the console. No DOM here: components read this
 * model and call its actions. A poll tick is one `summary` request, and it only runs while
 * a view that shows the data is visible. An action's error is kept under the key of the
 * control that caused it until the user dismisses it or uses that control again.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { ConsoleApi, FaasApi } from './api';
import { uiMessage } from './messages';
import { isItemRef } from './refs';
import {
  FINAL_STATUSES,
  IDataset,
  IDeployRequest,
  IExecution,
  IItem,
  ILogLine,
  IPackage,
  IPreview,
  IRevision,
  IService,
  ITrigger,
  ITriggerRequest,
  ITriggerStats,
  IWhoAmI
} from './types';
import { behindCount, latestVersion, previousVersion } from './versions';

/** One output of an execution: an item (artifact) reference or a plain value. */
export interface IOutputEntry {
  key: string;
  itemId?: string;
  artifactType?: string;
  value?: unknown;
}

export interface IModelOptions {
  labextensionVersion: string;
  /** Seconds between refreshes; 0 turns polling off. */
  refreshInterval?: number;
}

/** Flatten an execution's output (a dict, a list, an item or a value). */
export function outputEntries(output: unknown): IOutputEntry[] {
  if (output === undefined || output === null) {
    return [];
  }
  const entry = (key: string, v: unknown): IOutputEntry =>
    isItemRef(v) ? { key, itemId: v.id, artifactType: v.artifactType ?? undefined } : { key, value: v };
  if (isItemRef(output) || typeof output !== 'object') {
    return [entry('output', output)];
  }
  if (Array.isArray(output)) {
    return output.map((v, i) => entry(String(i), v));
  }
  return Object.entries(output as Record<string, unknown>).map(([k, v]) => entry(k, v));
}

/** `base`, or `base-2`, `base-3`... the first that no existing service uses. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem = base.slice(0, 60);
  if (!used.has(stem)) {
    return stem;
  }
  let n = 2;
  while (used.has(`${stem}-${n}`)) {
    n++;
  }
  return `${stem}-${n}`;
}

/** Log lines as one text: each line ends once (captured text keeps its own newline). */
export function logText(lines: ILogLine[]): string {
  return lines.map(l => (l.text.endsWith('\n') ? l.text : `${l.text}\n`)).join('');
}

/** What a trigger listens to: `Item Created, Updated · once` or `cron 0 * * * *`. */
export function triggerWhat(t: ITrigger): string {
  if (t.type === 'Cron') {
    return `cron ${t.spec.cron ?? '?'}`;
  }
  const actions = (t.spec.actions ?? []).join(', ');
  const mode = t.spec.executionMode ? ` · ${t.spec.executionMode.toLowerCase()}` : '';
  return `${t.spec.resource ?? 'Item'} ${actions}${mode}`;
}

/** A trigger's record: last/next fire, fire and failure counts (under `stats`, or top-level). */
export function triggerStats(t: ITrigger): Required<ITriggerStats> {
  const s = { ...t, ...(t.stats ?? {}) };
  return { lastFiredAt: s.lastFiredAt ?? null, nextFireAt: s.nextFireAt ?? null, fireCount: s.fireCount ?? 0, failureCount: s.failureCount ?? 0 };
}

/** `in 42 s`, `3 min ago`, `in 2 h`: a time relative to `now` (empty when unknown). */
export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  const t = Date.parse(iso ?? '');
  if (Number.isNaN(t)) {
    return '';
  }
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  const span = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 172800 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} d`;
  return s >= 0 ? `in ${span}` : `${span} ago`;
}

export class FaasModel {
  constructor(
    readonly api: FaasApi,
    options: IModelOptions
  ) {
    this.console = new ConsoleApi(api);
    this.labextensionVersion = options.labextensionVersion;
    this._interval = options.refreshInterval ?? 0;
  }

  readonly console: ConsoleApi;
  readonly labextensionVersion: string;
  whoami: IWhoAmI | null = null;
  /** The last poll's failure (cleared by a successful poll or by dismissing it). */
  error: string | null = null;
  loading = false;
  packages: IPackage[] = [];
  revisions = new Map<string, IRevision[]>();
  services: IService[] = [];
  triggers: ITrigger[] = [];
  /** The executions of each trigger whose list is open, by trigger id (refreshed each tick). */
  triggerRuns = new Map<string, IExecution[]>();
  executions: IExecution[] = [];
  executionsTotal = 0;
  statusFilter = '';
  datasets: IDataset[] = [];
  items = new Map<string, IItem[]>();
  previews = new Map<string, IPreview>();
  selectedExecution: IExecution | null = null;
  logs: ILogLine[] = [];
  /** Per-control state: the key names the control (e.g. `deploy:shapes/detector`). */
  readonly errors = new Map<string, string>();
  readonly notices = new Map<string, string>();
  readonly busy = new Set<string>();

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The most recent notice of any control (for the header line). */
  get notice(): string | null {
    return this._lastNotice;
  }

  errorOf(key: string): string | null {
    return this.errors.get(key) ?? null;
  }

  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  dismiss(key: string): void {
    if (key === 'refresh') {
      this.error = null;
    }
    this.errors.delete(key);
    this.notices.delete(key);
    this.emit();
  }

  /** A warning when the server and this sidebar come from different releases. */
  get versionWarning(): string | null {
    const server = this.whoami?.version;
    if (!server || server === this.labextensionVersion) {
      return null;
    }
    return `faas_jupyter server is ${server} but the sidebar is ${this.labextensionVersion}: reinstall faas_jupyter and reload the page`;
  }

  get refreshInterval(): number {
    return this._interval;
  }

  /** Poll every `seconds` (0 stops) while some view is visible; restarts the timer. */
  setRefreshInterval(seconds: number): void {
    this._interval = Math.max(0, seconds);
    this.schedule();
  }

  /** A view (`who`) was shown or hidden: polling runs only while one is visible. */
  setVisible(who: string, visible: boolean): void {
    const was = this._visible.size > 0;
    if (visible) {
      this._visible.add(who);
    } else {
      this._visible.delete(who);
    }
    if (!was && visible) {
      void this.refresh(); // fresh data at once, not one interval later
    }
    this.schedule();
  }

  get polling(): boolean {
    return this._timer !== null;
  }

  private schedule(): void {
    this.stopPolling();
    if (this._interval > 0 && !this._disposed && this._visible.size > 0) {
      this._timer = setInterval(() => void this.refresh(), this._interval * 1000);
    }
  }

  stopPolling(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  dispose(): void {
    this._disposed = true;
    this.stopPolling();
    Signal.clearData(this);
  }

  /** One tick: a single `summary` request, plus the open execution's new log lines. */
  async refresh(): Promise<void> {
    if (this.loading) {
      return; // a slow server must not pile up overlapping polls
    }
    this.loading = true;
    this.emit();
    try {
      const tick = await this.console.summary(this.statusFilter ? { status: this.statusFilter } : {});
      this.whoami = tick.whoami;
      this.packages = tick.packages;
      this.services = tick.services;
      this.triggers = tick.triggers ?? [];
      this.executions = tick.executions.items;
      this.executionsTotal = tick.executions.total;
      this.datasets = tick.datasets;
      this.forgetStaleRevisions();
      await Promise.all([this.refreshSelected(), this.refreshTriggerRuns()]);
      this.error = null;
    } catch (err) {
      this.error = uiMessage(err);
    } finally {
      this.loading = false;
      this.emit();
    }
  }

  /** Revision lists are fetched on demand; a list whose package has a newer latest is dropped. */
  private forgetStaleRevisions(): void {
    const latest = new Map(this.packages.map(p => [p.name, p.latestRevision ?? p.version]));
    for (const [name, list] of [...this.revisions]) {
      const known = latestVersion(list.map(r => r.version));
      if (!latest.has(name)) {
        this.revisions.delete(name);
      } else if (known !== latest.get(name)) {
        this.revisions.delete(name);
        void this.loadRevisions(name);
      }
    }
  }

  private async refreshSelected(): Promise<void> {
    const sel = this.selectedExecution;
    if (sel && !FINAL_STATUSES.has(sel.status)) {
      await this.loadExecution(sel.id, false);
    }
  }

  /** The open trigger lists again; a deleted trigger's list is dropped. */
  private async refreshTriggerRuns(): Promise<void> {
    const ids = new Set(this.triggers.map(t => t.id));
    const open = [...this.triggerRuns.keys()];
    await Promise.all(
      open.map(async id => {
        if (!ids.has(id)) {
          this.triggerRuns.delete(id);
          return;
        }
        this.triggerRuns.set(id, await this.api.triggerExecutions(id));
      })
    );
  }

  /** A service's triggers, by name. */
  triggersOf(service: string): ITrigger[] {
    return this.triggers
      .filter(t => t.spec.operation?.serviceName === service)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async loadTriggerRuns(id: string): Promise<void> {
    await this.guard(`trigger:${id}`, async () => {
      this.triggerRuns.set(id, await this.api.triggerExecutions(id));
    });
  }

  closeTriggerRuns(id: string): void {
    this.triggerRuns.delete(id);
    this.emit();
  }

  addTrigger(service: string, body: ITriggerRequest): Promise<boolean> {
    const what = body.type === 'Cron' ? `cron ${body.cron}` : `${body.resource ?? 'Item'} ${(body.actions ?? []).join(', ')}`;
    return this.act(`triggers:${service}`, `trigger ${body.name || service} added: ${body.function} on ${what}`, () =>
      this.api.createTrigger(service, body)
    );
  }

  setTriggerActive(t: ITrigger, active: boolean): Promise<boolean> {
    return this.act(`trigger:${t.id}`, `${t.name} ${active ? 'activated' : 'deactivated'}`, () =>
      this.api.setTriggerActive(t.id, active)
    );
  }

  deleteTrigger(t: ITrigger): Promise<boolean> {
    const service = t.spec.operation?.serviceName ?? '';
    return this.act(`triggers:${service}`, `trigger ${t.name} deleted`, () => this.api.deleteTrigger(t.id));
  }

  versionsOf(pkg: string): string[] | undefined {
    return this.revisions.get(pkg)?.map(r => r.version);
  }

  /** How many revisions the service's pinned one is behind latest (null: unknown). */
  behind(service: IService): number | null {
    if (typeof service.behind === 'number') {
      return service.behind;
    }
    if (!service.package) {
      return null;
    }
    return behindCount(service.packageRevision, this.versionsOf(service.package));
  }

  latestOf(pkg: string): string | null {
    const p = this.packages.find(x => x.name === pkg);
    return p?.latestRevision ?? p?.version ?? latestVersion(this.versionsOf(pkg) ?? []);
  }

  async loadRevisions(pkg: string): Promise<void> {
    await this.guard(`revisions:${pkg}`, async () => {
      this.revisions.set(pkg, await this.api.revisions(pkg));
    });
  }

  /** Fetch one revision in full (the list may leave out its spec); revisions never change. */
  async loadRevisionDetail(pkg: string, version: string): Promise<void> {
    if (this.revisionOf(pkg, version)?.spec) {
      return;
    }
    await this.guard(`revisions:${pkg}`, async () => {
      const full = await this.api.revision(pkg, version);
      this._details.set(`${pkg}@${version}`, full);
      const list = this.revisions.get(pkg);
      if (list) {
        this.revisions.set(pkg, list.map(r => (r.version === version ? full : r)));
      }
    });
  }

  /** One revision, from the package's list or fetched alone (revisions never change). */
  revisionOf(pkg: string, version: string): IRevision | undefined {
    const inList = this.revisions.get(pkg)?.find(r => r.version === version);
    return inList?.spec ? inList : this._details.get(`${pkg}@${version}`) ?? inList;
  }

  async loadItems(dataset: string): Promise<void> {
    await this.guard(`dataset:${dataset}`, async () => {
      this.items.set(dataset, await this.api.items(dataset));
    });
  }

  async loadPreview(itemId: string): Promise<void> {
    await this.guard(`preview:${itemId}`, async () => {
      this.previews.set(itemId, await this.api.preview(itemId));
    });
  }

  /** Open an execution: details and logs; later ticks fetch only new log lines. */
  async loadExecution(id: string, guarded = true): Promise<void> {
    const load = async () => {
      const fresh = this.selectedExecution?.id !== id;
      const after = fresh ? 0 : this._logOffset;
      const [ex, page] = await Promise.all([this.api.execution(id), this.console.logLines(id, after)]);
      this.selectedExecution = ex;
      this.logs = fresh ? page.lines : [...this.logs, ...page.lines];
      this._logOffset = page.next;
    };
    if (guarded) {
      await this.guard('execution', load);
    } else {
      await load();
    }
  }

  closeExecution(): void {
    this.selectedExecution = null;
    this.logs = [];
    this._logOffset = 0;
    this.emit();
  }

  async setStatusFilter(status: string): Promise<void> {
    this.statusFilter = status;
    await this.refresh();
  }

  /** Whether Terminate can work: the run has not ended. The server stops runs it hosts; one
   * hosted elsewhere (a notebook kernel) is asked through the registry, and its home stops it. */
  canTerminate(ex: IExecution): boolean {
    return !FINAL_STATUSES.has(ex.status);
  }

  /** A default service name no service of the project has yet. */
  defaultServiceName(pkg: string, module: string): string {
    return uniqueName(`${pkg}-${module}`, this.services.map(s => s.name));
  }

  deploy(req: IDeployRequest, key = `deploy:${req.package}/${req.moduleName}`): Promise<boolean> {
    return this.act(key, `deployed ${req.name} from ${req.package} ${req.packageRevision}`, () =>
      this.api.deploy(req)
    );
  }

  updateToLatest(service: IService): Promise<boolean> {
    const key = `service:${service.name}`;
    const latest = service.package ? this.latestOf(service.package) : null;
    if (!latest) {
      return this.fail(key, `the latest revision of ${service.package ?? 'its package'} is not known yet; press Refresh`);
    }
    return this.act(key, `${service.name}: ${service.packageRevision} -> ${latest}`, () =>
      this.api.updateService(service.name, latest)
    );
  }

  async rollBack(service: IService): Promise<boolean> {
    const key = `service:${service.name}`;
    if (service.package && !this.revisions.has(service.package)) {
      await this.loadRevisions(service.package);
    }
    const prev = previousVersion(service.packageRevision, this.versionsOf(service.package ?? '') ?? []);
    if (!prev) {
      return this.fail(key, `${service.name} is on the oldest revision ${service.packageRevision}; there is nothing to roll back to`);
    }
    return this.act(key, `${service.name}: ${service.packageRevision} -> ${prev}`, () =>
      this.api.updateService(service.name, prev)
    );
  }

  pause(name: string): Promise<boolean> {
    return this.act(`service:${name}`, `paused ${name}`, () => this.api.pauseService(name));
  }

  resume(name: string): Promise<boolean> {
    return this.act(`service:${name}`, `resumed ${name}`, () => this.api.resumeService(name));
  }

  deleteService(name: string): Promise<boolean> {
    return this.act(`service:${name}`, `deleted ${name}`, () => this.api.deleteService(name));
  }

  execute(service: string, fn: string, input: Record<string, unknown>): Promise<boolean> {
    return this.act(`execute:${service}`, `started ${service}.${fn}`, () => this.api.execute(service, fn, input));
  }

  rerun(id: string, input?: Record<string, unknown>): Promise<boolean> {
    const call = input ? () => this.console.rerunWith(id, input) : () => this.api.rerun(id);
    return this.act(`execution:${id}`, `rerun of ${id.slice(0, 8)} started`, call);
  }

  terminate(id: string): Promise<boolean> {
    return this.act(`execution:${id}`, `terminating ${id.slice(0, 8)}`, () => this.api.terminate(id));
  }

  /** Run an action under `key` (busy, then its notice or error), then refresh. */
  async act(key: string, notice: string, call: () => Promise<unknown>): Promise<boolean> {
    this.notices.delete(key);
    const ok = await this.guard(key, async () => {
      await call();
    });
    if (ok) {
      this.notices.set(key, notice);
      this._lastNotice = notice;
      await this.refresh();
    }
    return ok;
  }

  private async fail(key: string, message: string): Promise<boolean> {
    this.errors.set(key, message);
    this.emit();
    return false;
  }

  /** `fn` with `key` busy; its failure is kept under `key`, its success clears that. */
  async guard(key: string, fn: () => Promise<void>): Promise<boolean> {
    this.busy.add(key);
    this.errors.delete(key);
    this.emit();
    try {
      await fn();
      return true;
    } catch (err) {
      this.errors.set(key, uiMessage(err));
      this.notices.delete(key);
      return false;
    } finally {
      this.busy.delete(key);
      this.emit();
    }
  }

  emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _interval: number;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _disposed = false;
  private _visible = new Set<string>();
  private _logOffset = 0;
  private _details = new Map<string, IRevision>();
  private _lastNotice: string | null = null;
}

export { messageOf } from './messages';
