/**
 * JSON shapes of the faas_jupyter REST API (/faas/api): the entities'
 * camelCase to_json(). Fields the server may omit are optional so that a
 * newer server never breaks an older sidebar.
 */
import { IItemRef } from './refs';

export interface IWhoAmI {
  user: string;
  version: string;
  project: string;
}

export interface IFunctionIO {
  name: string;
  type: string;
  description?: string;
  defaultValue?: unknown;
}

export interface IPackageFunction {
  name: string;
  description?: string;
  input: IFunctionIO[];
  output: IFunctionIO[];
  displayName?: string;
}

export interface IPackageModule {
  name: string;
  entryPoint?: string;
  className?: string;
  initInputs: IFunctionIO[];
  functions: IPackageFunction[];
}

export interface IPackageSpec {
  name: string;
  version?: string;
  type?: string;
  modules: IPackageModule[];
  requirements?: unknown[];
}

export interface IRevision {
  package: string;
  version: string;
  createdAt?: string;
  creator?: string;
  message?: string;
  codebaseDigest?: string;
  spec?: IPackageSpec;
  changes?: Record<string, unknown>;
}

export interface IPackage {
  name: string;
  version?: string;
  latestRevision?: string;
  createdAt?: string;
  creator?: string;
  modules?: IPackageModule[];
}

/** model/entities.py Service.to_json() (Dataloop's packageRevision, initParams). */
export interface IService {
  name: string;
  package?: string;
  moduleName?: string;
  packageRevision: string;
  initParams?: Record<string, unknown>;
  runtime?: string;
  scheduler?: string | null;
  active?: boolean;
  behind?: number | null;
  id?: string;
  createdAt?: string;
  updatedAt?: string;
}

export const EXECUTION_STATUSES = [
  'created',
  'in-progress',
  'success',
  'failed',
  'terminated',
  'aborted',
  'canceled',
  'system-failure'
] as const;

export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Statuses after which an execution never changes again: all but the first two. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(
  EXECUTION_STATUSES.filter(s => s !== 'created' && s !== 'in-progress')
);

export interface IStatusEvent {
  status: string;
  timestamp?: string;
  ts?: string;
  message?: string;
}

/** model/entities.py Execution.to_json(). */
export interface IExecution {
  id: string;
  service?: string;
  package?: string;
  packageRevision?: string;
  functionName: string;
  status: string;
  statusLog?: IStatusEvent[];
  input?: Record<string, unknown>;
  output?: unknown;
  error?: string | null;
  traceback?: string | null;
  attempts?: number;
  duration?: number | null;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  creator?: string;
  progress?: number | null;
  /** The trigger whose event (or cron tick) started this run; null when someone ran it. */
  trigger?: IExecutionTrigger | null;
}

export interface IExecutionTrigger {
  id: string;
  name: string;
  eventId?: string | null;
}

/** The function a trigger calls (Dataloop's `spec.operation`). */
export interface ITriggerOperation {
  type: string;
  serviceName?: string;
  serviceId?: string;
  functionName: string;
}

/** model Trigger.to_json(): Dataloop's shape plus the firing record. */
export interface ITrigger {
  id: string;
  name: string;
  active: boolean;
  type: 'Event' | 'Cron' | string;
  projectId?: string;
  spec: {
    resource?: string;
    actions?: string[];
    filter?: Record<string, unknown>;
    executionMode?: string;
    cron?: string;
    startAt?: string | null;
    endAt?: string | null;
    input?: Record<string, unknown>;
    catchUp?: string;
    operation: ITriggerOperation;
  };
  /** What it did (also accepted at the top level, as older answers had it). */
  stats?: ITriggerStats;
  lastFiredAt?: string | null;
  nextFireAt?: string | null;
  fireCount?: number;
  failureCount?: number;
}

export interface ITriggerStats {
  lastFiredAt?: string | null;
  nextFireAt?: string | null;
  fireCount?: number;
  failureCount?: number;
}

/** POST services/{name}/triggers: the keywords of svc.triggers.create, camelCase. */
export interface ITriggerRequest {
  function: string;
  name?: string;
  type?: 'Event' | 'Cron';
  resource?: string;
  actions?: string[];
  filter?: Record<string, unknown>;
  executionMode?: string;
  cron?: string;
  startAt?: string;
  endAt?: string;
  input?: Record<string, unknown>;
  catchUp?: string;
  active?: boolean;
}

export interface ILogLine {
  ts?: string;
  stream?: string;
  text: string;
}

export interface IDataset {
  name: string;
  id?: string;
  createdAt?: string;
  itemsCount?: number;
}

export interface IItem {
  id: string;
  key?: string;
  name?: string;
  artifactType?: string;
  size?: number | null;
  createdAt?: string;
  dataset?: string;
}

/** GET items/{id}/preview: a table for DataFrames/arrays, else text or a value. */
export interface IPreview {
  kind?: string;
  columns?: string[];
  data?: unknown[][];
  shape?: number[];
  dtype?: string;
  text?: string;
  value?: unknown;
  truncated?: boolean;
}

export interface IExecutionQuery {
  service?: string;
  function?: string;
  status?: string;
  limit?: number;
  offset?: number;
}

/** POST services: the Service JSON of the service to create. */
export interface IDeployRequest {
  name: string;
  package: string;
  moduleName: string;
  packageRevision: string;
  initParams: Record<string, unknown>;
  runtime: string;
  /** dask: the scheduler address (default: a LocalCluster of the server) */
  scheduler?: string;
}

/** GET summary: everything one sidebar poll tick shows, in one answer. */
export interface ISummary {
  whoami: IWhoAmI & { role?: string | null };
  packages: IPackage[];
  services: (IService & { behind?: number | null })[];
  /** Every trigger of the project (an older server sends none). */
  triggers?: ITrigger[];
  executions: { items: IExecution[]; total: number };
  datasets: IDataset[];
}

/** Filters of the console's executions table (all optional). */
export interface IConsoleQuery {
  service?: string;
  function?: string;
  status?: string;
  user?: string;
  since?: string;
  until?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface IPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface IFilterValues {
  services: string[];
  functions: string[];
  users: string[];
  itemTypes: string[];
}

export interface IStats {
  bucket: 'minute' | 'hour' | 'day';
  overTime: { t: string; counts: Record<string, number> }[];
  durations: { function: string; count: number; p50: number | null; p95: number | null; max: number }[];
  histogram: { edges: number[]; counts: number[] };
}

export interface ILogPage {
  lines: ILogLine[];
  next: number;
  status: string;
}

/** An item of the console's Items tab (the producing execution's service and function). */
export interface IConsoleItem extends IItem {
  format?: string | null;
  objectType?: string | null;
  execution?: string | null;
  executionService?: string | null;
  executionFunction?: string | null;
  creator?: string;
}

export interface IItemQuery {
  search?: string;
  type?: string;
  dataset?: string;
  execution?: string;
  limit?: number;
  offset?: number;
}

export interface ILineage {
  item: IConsoleItem;
  producedBy: IExecution | null;
  inputs: (IItemRef & { input: string })[];
  revision: { package: string; version: string } | null;
  usedBy: IExecution[];
}

export interface IDiff {
  package: string;
  a: string;
  b: string;
  added: string[];
  removed: string[];
  changed: string[];
  unified: Record<string, string>;
  specUnified: string;
  specChangedKeys: string[];
}
