/**
 * Sidebar state and polling. No DOM here: components read this model and
 * call its actions; every server error lands in `error` (never swallowed).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { FaasApi, FaasApiError } from './api';
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

function isItemRef(v: unknown): v is { id: string; artifactType?: string } {
  return typeof v === 'object' && v !== null && typeof (v as any).id === 'string' && 'artifactType' in v;
}

/** Flatten an execution's output (a dict, a list, an item or a value). */
export function outputEntries(output: unknown): IOutputEntry[] {
  if (output === undefined || output === null) {
    return [];
  }
  const entry = (key: string, v: unknown): IOutputEntry =>
    isItemRef(v) ? { key, itemId: v.id, artifactType: v.artifactType } : { key, value: v };
  if (isItemRef(output) || typeof output !== 'object') {
    return [entry('output', output)];
  }
  if (Array.isArray(output)) {
    return output.map((v, i) => entry(String(i), v));
  }
  return Object.entries(output as Record<string, unknown>).map(([k, v]) => entry(k, v));
}

export class FaasModel {
  constructor(
    readonly api: FaasApi,
    options: IModelOptions
  ) {
    this.labextensionVersion = options.labextensionVersion;
    this._interval = options.refreshInterval ?? 0;
  }

  readonly labextensionVersion: string;
  whoami: IWhoAmI | null = null;
  error: string | null = null;
  notice: string | null = null;
  loading = false;
  packages: IPackage[] = [];
  revisions = new Map<string, IRevision[]>();
  services: IService[] = [];
  executions: IExecution[] = [];
  statusFilter = '';
  datasets: IDataset[] = [];
  items = new Map<string, IItem[]>();
  previews = new Map<string, IPreview>();
  selectedExecution: IExecution | null = null;
  logs: ILogLine[] = [];

  get changed(): ISignal<this, void> {
    return this._changed;
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

  /** Poll every `seconds` (0 stops); restarts the timer. */
  setRefreshInterval(seconds: number): void {
    this._interval = Math.max(0, seconds);
    this.stopPolling();
    if (this._interval > 0 && !this._disposed) {
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

  /** Reload everything; the first failure is shown and the rest skipped. */
  async refresh(): Promise<void> {
    if (this.loading) {
      return; // a slow server must not pile up overlapping polls
    }
    this.loading = true;
    this.emit();
    try {
      this.whoami = await this.api.whoami();
      const [packages, services, executions, datasets] = await Promise.all([
        this.api.packages(),
        this.api.services(),
        this.api.executions(this.statusFilter ? { status: this.statusFilter } : {}),
        this.api.datasets()
      ]);
      Object.assign(this, { packages, services, executions, datasets });
      await this.refreshRevisions();
      await this.refreshSelected();
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.loading = false;
      this.emit();
    }
  }

  /** Revisions of every package a service uses (for drift) or that is open. */
  private async refreshRevisions(): Promise<void> {
    const names = new Set<string>(this.revisions.keys());
    for (const s of this.services) {
      if (s.package) {
        names.add(s.package);
      }
    }
    const known = new Set(this.packages.map(p => p.name));
    const wanted = [...names].filter(n => known.has(n));
    const lists = await Promise.all(wanted.map(n => this.api.revisions(n)));
    this.revisions = new Map(wanted.map((n, i) => [n, lists[i]]));
  }

  private async refreshSelected(): Promise<void> {
    const sel = this.selectedExecution;
    if (sel && !FINAL_STATUSES.has(sel.status)) {
      await this.loadExecution(sel.id, false);
    }
  }

  versionsOf(pkg: string): string[] | undefined {
    return this.revisions.get(pkg)?.map(r => r.version);
  }

  /** How many revisions the service's pinned one is behind latest (null: unknown). */
  behind(service: IService): number | null {
    if (!service.package) {
      return null;
    }
    return behindCount(service.packageRevision, this.versionsOf(service.package));
  }

  latestOf(pkg: string): string | null {
    return latestVersion(this.versionsOf(pkg) ?? []);
  }

  async loadRevisions(pkg: string): Promise<void> {
    await this.guard(async () => {
      this.revisions.set(pkg, await this.api.revisions(pkg));
    });
  }

  /** Fetch one revision in full (the list may leave out its spec). */
  async loadRevisionDetail(pkg: string, version: string): Promise<void> {
    await this.guard(async () => {
      const full = await this.api.revision(pkg, version);
      const list = (this.revisions.get(pkg) ?? []).filter(r => r.version !== version);
      this.revisions.set(pkg, [...list, full]);
    });
  }

  async loadItems(dataset: string): Promise<void> {
    await this.guard(async () => {
      this.items.set(dataset, await this.api.items(dataset));
    });
  }

  async loadPreview(itemId: string): Promise<void> {
    await this.guard(async () => {
      this.previews.set(itemId, await this.api.preview(itemId));
    });
  }

  /** Open an execution: details and logs, refreshed while it runs. */
  async loadExecution(id: string, guarded = true): Promise<void> {
    const load = async () => {
      const [ex, logs] = await Promise.all([this.api.execution(id), this.api.logs(id)]);
      this.selectedExecution = ex;
      this.logs = logs;
    };
    if (guarded) {
      await this.guard(load);
    } else {
      await load();
    }
  }

  closeExecution(): void {
    this.selectedExecution = null;
    this.logs = [];
    this.emit();
  }

  async setStatusFilter(status: string): Promise<void> {
    this.statusFilter = status;
    await this.guard(async () => {
      this.executions = await this.api.executions(status ? { status } : {});
    });
  }

  deploy(req: IDeployRequest): Promise<boolean> {
    return this.act(`deployed ${req.name} from ${req.package} ${req.packageRevision}`, () =>
      this.api.deploy(req)
    );
  }

  updateToLatest(service: IService): Promise<boolean> {
    const latest = service.package ? this.latestOf(service.package) : null;
    if (!latest) {
      return this.fail(`service '${service.name}': the latest revision of its package is unknown; refresh first`);
    }
    return this.act(`${service.name}: ${service.packageRevision} -> ${latest}`, () =>
      this.api.updateService(service.name, latest)
    );
  }

  rollBack(service: IService): Promise<boolean> {
    const prev = previousVersion(service.packageRevision, this.versionsOf(service.package ?? '') ?? []);
    if (!prev) {
      return this.fail(`service '${service.name}' is on the oldest revision ${service.packageRevision}; nothing to roll back to`);
    }
    return this.act(`${service.name}: ${service.packageRevision} -> ${prev}`, () =>
      this.api.updateService(service.name, prev)
    );
  }

  pause(name: string): Promise<boolean> {
    return this.act(`paused ${name}`, () => this.api.pauseService(name));
  }

  resume(name: string): Promise<boolean> {
    return this.act(`resumed ${name}`, () => this.api.resumeService(name));
  }

  deleteService(name: string): Promise<boolean> {
    return this.act(`deleted ${name}`, () => this.api.deleteService(name));
  }

  execute(service: string, fn: string, input: Record<string, unknown>): Promise<boolean> {
    return this.act(`started ${service}.${fn}`, () => this.api.execute(service, fn, input));
  }

  rerun(id: string): Promise<boolean> {
    return this.act(`rerun of ${id} started`, () => this.api.rerun(id));
  }

  terminate(id: string): Promise<boolean> {
    return this.act(`terminating ${id}`, () => this.api.terminate(id));
  }

  /** Run an action, show its outcome, then refresh. */
  private async act(notice: string, call: () => Promise<unknown>): Promise<boolean> {
    const ok = await this.guard(async () => {
      await call();
    });
    if (ok) {
      this.notice = notice;
      await this.refresh();
    }
    return ok;
  }

  private async fail(message: string): Promise<boolean> {
    this.error = message;
    this.emit();
    return false;
  }

  private async guard(fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      this.error = null;
      return true;
    } catch (err) {
      this.error = messageOf(err);
      this.notice = null;
      return false;
    } finally {
      this.emit();
    }
  }

  private emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _interval: number;
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _disposed = false;
}

export function messageOf(err: unknown): string {
  if (err instanceof FaasApiError || err instanceof Error) {
    return err.message;
  }
  return String(err);
}
