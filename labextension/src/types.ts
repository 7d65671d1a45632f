/**
 * JSON shapes of the faas_jupyter REST API (/faas/api): the entities'
 * camelCase to_json(). Fields the server may omit are optional so that a
 * newer server never breaks an older sidebar.
 */

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
