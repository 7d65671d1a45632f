/**
 * The one place that knows the REST URLs of the faas_jupyter server extension.
 * Every call goes through ServerConnection.makeRequest, which adds the token
 * (Authorization header) and the X-XSRFToken header taken from the _xsrf cookie.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  IConsoleItem,
  IConsoleQuery,
  IDataset,
  IDiff,
  IFilterValues,
  IItemQuery,
  ILineage,
  ILogPage,
  IPage,
  IStats,
  ISummary,
  IDeployRequest,
  IExecution,
  IExecutionQuery,
  IItem,
  ILogLine,
  IPackage,
  IPreview,
  IRevision,
  IService,
  ITrigger,
  ITriggerRequest,
  IWhoAmI
} from './types';

/** URL prefix of the server extension, below the Jupyter base URL. */
export const API_PREFIX = 'faas/api';

export const EXTENSION_MISSING =
  'faas_jupyter server extension is not enabled: run `jupyter server extension enable faas_jupyter` and restart JupyterLab';

/** An error answered by the server: `status` is the HTTP code (0 = no answer). */
export class FaasApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string
  ) {
    super(message);
    this.name = 'FaasApiError';
  }
}

/** Lists come either as a JSON array or as a page `{"items": [...]}`. */
function asList<T>(data: unknown): T[] {
  if (Array.isArray(data)) {
    return data as T[];
  }
  const items = (data as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}

function enc(part: string): string {
  return encodeURIComponent(part);
}

export class FaasApi {
  constructor(settings?: ServerConnection.ISettings) {
    this.settings = settings ?? ServerConnection.makeSettings();
  }

  readonly settings: ServerConnection.ISettings;

  /** Full URL of an API path (used for download links too). */
  url(path: string): string {
    return URLExt.join(this.settings.baseUrl, API_PREFIX, path);
  }

  /** Send one request; throws FaasApiError carrying the server's `message`. */
  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(this.url(path), init, this.settings);
    } catch (err) {
      throw new FaasApiError(`cannot reach the Jupyter server: ${String(err)}`, 0, path);
    }
    const text = await response.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined; // an HTML error page: the route does not exist
    }
    if (!response.ok) {
      throw new FaasApiError(errorMessage(response, data, path), response.status, path);
    }
    return data as T;
  }

  private send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json' };
    }
    return this.request<T>(path, init);
  }

  whoami(): Promise<IWhoAmI> {
    return this.request<IWhoAmI>('whoami');
  }

  async packages(): Promise<IPackage[]> {
    return asList<IPackage>(await this.request('packages'));
  }

  deletePackage(name: string): Promise<unknown> {
    return this.send('DELETE', `packages/${enc(name)}`);
  }

  async revisions(pkg: string): Promise<IRevision[]> {
    return asList<IRevision>(await this.request(`packages/${enc(pkg)}/revisions`));
  }

  revision(pkg: string, version: string): Promise<IRevision> {
    return this.request<IRevision>(`packages/${enc(pkg)}/revisions/${enc(version)}`);
  }

  diff(pkg: string, a: string, b: string): Promise<IDiff> {
    const q = URLExt.objectToQueryString({ a, b });
    return this.request(`packages/${enc(pkg)}/diff${q}`);
  }

  codebaseUrl(pkg: string, version: string): string {
    return this.url(`packages/${enc(pkg)}/revisions/${enc(version)}/codebase.zip`);
  }

  async services(): Promise<IService[]> {
    return asList<IService>(await this.request('services'));
  }

  deploy(body: IDeployRequest): Promise<IService> {
    return this.send<IService>('POST', 'services', body);
  }

  /** Move a service to another revision (update to latest or roll back). */
  updateService(name: string, revision: string): Promise<IService> {
    return this.send<IService>('PATCH', `services/${enc(name)}`, { packageRevision: revision });
  }

  pauseService(name: string): Promise<IService> {
    return this.send<IService>('POST', `services/${enc(name)}/pause`, {});
  }

  resumeService(name: string): Promise<IService> {
    return this.send<IService>('POST', `services/${enc(name)}/resume`, {});
  }

  deleteService(name: string): Promise<unknown> {
    return this.send('DELETE', `services/${enc(name)}`);
  }

  execute(service: string, fn: string, input: Record<string, unknown>): Promise<IExecution> {
    return this.send<IExecution>('POST', `services/${enc(service)}/execute`, {
      function: fn,
      input
    });
  }

  async executions(query: IExecutionQuery = {}): Promise<IExecution[]> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== '') {
        params[k] = String(v);
      }
    }
    const q = Object.keys(params).length ? URLExt.objectToQueryString(params) : '';
    return asList<IExecution>(await this.request(`executions${q}`));
  }

  execution(id: string): Promise<IExecution> {
    return this.request<IExecution>(`executions/${enc(id)}`);
  }

  async logs(id: string): Promise<ILogLine[]> {
    return asList<ILogLine>(await this.request(`executions/${enc(id)}/logs`));
  }

  rerun(id: string): Promise<IExecution> {
    return this.send<IExecution>('POST', `executions/${enc(id)}/rerun`, {});
  }

  terminate(id: string): Promise<IExecution> {
    return this.send<IExecution>('POST', `executions/${enc(id)}/terminate`, {});
  }

  async triggers(service?: string): Promise<ITrigger[]> {
    return asList<ITrigger>(await this.request(service ? `services/${enc(service)}/triggers` : 'triggers'));
  }

  createTrigger(service: string, body: ITriggerRequest): Promise<ITrigger> {
    return this.send<ITrigger>('POST', `services/${enc(service)}/triggers`, body);
  }

  updateTrigger(idOrName: string, body: Partial<ITriggerRequest>): Promise<ITrigger> {
    return this.send<ITrigger>('PATCH', `triggers/${enc(idOrName)}`, body);
  }

  setTriggerActive(idOrName: string, active: boolean): Promise<ITrigger> {
    return this.send<ITrigger>('POST', `triggers/${enc(idOrName)}/${active ? 'activate' : 'deactivate'}`, {});
  }

  deleteTrigger(idOrName: string): Promise<unknown> {
    return this.send('DELETE', `triggers/${enc(idOrName)}`);
  }

  async triggerExecutions(idOrName: string, limit = 20): Promise<IExecution[]> {
    return asList<IExecution>(await this.request(`triggers/${enc(idOrName)}/executions?limit=${limit}`));
  }

  async datasets(): Promise<IDataset[]> {
    return asList<IDataset>(await this.request('datasets'));
  }

  async items(dataset: string): Promise<IItem[]> {
    return asList<IItem>(await this.request(`datasets/${enc(dataset)}/items`));
  }

  item(id: string): Promise<IItem> {
    return this.request<IItem>(`items/${enc(id)}`);
  }

  preview(id: string): Promise<IPreview> {
    return this.request<IPreview>(`items/${enc(id)}/preview`);
  }
}

function query(params: object): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      out[k] = String(v);
    }
  }
  return Object.keys(out).length ? URLExt.objectToQueryString(out) : '';
}

/** The console's and the poll's routes (server/console.py). */
export class ConsoleApi {
  constructor(readonly api: FaasApi) {}

  /** One poll tick: whoami, packages, services, the newest executions, datasets. */
  summary(params: { status?: string; limit?: number } = {}): Promise<ISummary> {
    return this.api.request<ISummary>(`summary${query(params)}`);
  }

  executions(q: IConsoleQuery): Promise<IPage<IExecution>> {
    return this.api.request<IPage<IExecution>>(`console/executions${query(q)}`);
  }

  filters(): Promise<IFilterValues> {
    return this.api.request<IFilterValues>('console/filters');
  }

  stats(q: IConsoleQuery): Promise<IStats> {
    return this.api.request<IStats>(`console/stats${query(q)}`);
  }

  /** Log lines after offset `after` (0: from the start); pass `next` back. */
  logLines(id: string, after: number): Promise<ILogPage> {
    return this.api.request<ILogPage>(`executions/${enc(id)}/log-lines${query({ after })}`);
  }

  rerunWith(id: string, input: Record<string, unknown>): Promise<IExecution> {
    return this.api.request<IExecution>(`executions/${enc(id)}/rerun-with`, {
      method: 'POST',
      body: JSON.stringify({ input }),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  items(q: IItemQuery): Promise<IPage<IConsoleItem>> {
    return this.api.request<IPage<IConsoleItem>>(`console/items${query(q)}`);
  }

  lineage(id: string): Promise<ILineage> {
    return this.api.request<ILineage>(`items/${enc(id)}/lineage`);
  }
}

/** The server's `{"message"}` when there is one; a clear sentence otherwise. */
function errorMessage(response: Response, data: unknown, path: string): string {
  const message = (data as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message) {
    return message;
  }
  if (response.status === 404 && data === undefined) {
    return EXTENSION_MISSING;
  }
  if (response.status === 403) {
    return `forbidden (${path}): log in again or check your role in the project`;
  }
  return `${path}: HTTP ${response.status} ${response.statusText}`.trim();
}
