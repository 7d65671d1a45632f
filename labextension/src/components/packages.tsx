/** Packages -> revisions -> modules -> functions, with a deploy form per module. */
import * as React from 'react';

import { checkInputs } from '../inputs';
import { FaasModel } from '../model';
import { IDeployRequest, IPackageModule, IRevision } from '../types';
import { sortVersions } from '../versions';
import { Button, Empty, InlineMessage, InputFields, ioText, LazyDetails, Section } from './common';

const RUNTIMES = ['process', 'dask'];

/** Deploy one module of one revision; init inputs come from its initInputs types. */
export function DeployForm(props: {
  model: FaasModel;
  pkg: string;
  revision: string;
  module: IPackageModule;
  onDone: () => void;
}): JSX.Element {
  const { model, pkg, revision, module } = props;
  const key = `deploy:${pkg}/${module.name}`;
  const [name, setName] = React.useState(() => model.defaultServiceName(pkg, module.name));
  const [runtime, setRuntime] = React.useState(RUNTIMES[0]);
  const [scheduler, setScheduler] = React.useState('');
  const [values, setValues] = React.useState<Record<string, string | boolean>>({});
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const submit = async () => {
    const { input, errors } = checkInputs(module.initInputs ?? [], values);
    setFieldErrors(errors);
    if (Object.keys(errors).length) {
      return;
    }
    const request: IDeployRequest = { name, package: pkg, moduleName: module.name, packageRevision: revision, initParams: input, runtime };
    if (runtime === 'dask' && scheduler.trim()) {
      request.scheduler = scheduler.trim(); // empty: a LocalCluster of the Jupyter server
    }
    const ok = await model.deploy(request, key);
    if (ok) {
      props.onDone();
    }
  };
  return (
    <div className="faas-form" data-testid="faas-deploy-form">
      <div className="faas-form-title">
        Deploy {pkg} {revision} / {module.name}
      </div>
      <label className="faas-field">
        <span>service name</span>
        <input className="jp-mod-styled" value={name} data-testid="faas-service-name" onChange={e => setName(e.target.value)} />
      </label>
      <label className="faas-field">
        <span>runtime</span>
        <select className="jp-mod-styled" value={runtime} onChange={e => setRuntime(e.target.value)}>
          {RUNTIMES.map(r => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      {runtime === 'dask' && (
        <label className="faas-field">
          <span>scheduler</span>
          <input
            className="jp-mod-styled"
            value={scheduler}
            placeholder="tcp://host:8786 (empty: local)"
            data-testid="faas-deploy-scheduler"
            onChange={e => setScheduler(e.target.value)}
          />
        </label>
      )}
      <InputFields
        ios={module.initInputs ?? []}
        values={values}
        errors={fieldErrors}
        model={model}
        onChange={(k, v) => setValues({ ...values, [k]: v })}
      />
      <InlineMessage model={model} k={key} />
      <Button label="Deploy" accept testid="faas-deploy-submit" busy={model.isBusy(key)} busyLabel="Deploying…" onClick={() => void submit()} />
      <Button label="Cancel" onClick={props.onDone} />
    </div>
  );
}

function ModuleView(props: { model: FaasModel; pkg: string; revision: string; module: IPackageModule }): JSX.Element {
  const [deploying, setDeploying] = React.useState(false);
  const m = props.module;
  return (
    <li className="faas-module">
      <div className="faas-row">
        <span className="faas-name">{m.name}</span>
        <span className="faas-dim">{m.className ?? 'ServiceRunner'} in {m.entryPoint ?? 'main.py'}</span>
        <Button label="Deploy…" accept testid="faas-deploy" onClick={() => setDeploying(!deploying)} />
      </div>
      {(m.initInputs ?? []).length > 0 && <div className="faas-dim">init: {ioText(m.initInputs)}</div>}
      <ul className="faas-functions">
        {m.functions.map(f => (
          <li key={f.name} className="faas-function" title={f.description}>
            <code>
              {f.name}({ioText(f.input)}) → {f.output.length ? ioText(f.output) : 'None'}
            </code>
          </li>
        ))}
      </ul>
      {deploying && (
        <DeployForm model={props.model} pkg={props.pkg} revision={props.revision} module={m} onDone={() => setDeploying(false)} />
      )}
    </li>
  );
}

function RevisionView(props: { model: FaasModel; rev: IRevision }): JSX.Element {
  const r = props.rev;
  const modules = r.spec?.modules ?? [];
  return (
    <LazyDetails
      className="faas-revision"
      testid="faas-revision"
      loaded={!!r.spec}
      load={() => props.model.loadRevisionDetail(r.package, r.version)}
      summary={
        <>
          <span className="faas-name">{r.version}</span>
          <span className="faas-dim">
            {r.createdAt?.slice(0, 19).replace('T', ' ')} {r.creator} {r.message}
          </span>
        </>
      }
    >
      <ul className="faas-modules">
        {modules.map(m => (
          <ModuleView key={m.name} model={props.model} pkg={r.package} revision={r.version} module={m} />
        ))}
      </ul>
      <InlineMessage model={props.model} k={`revisions:${r.package}`} />
      <a className="faas-link" href={props.model.api.codebaseUrl(r.package, r.version)} download>
        codebase.zip
      </a>
    </LazyDetails>
  );
}

export function PackagesSection(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  return (
    <Section
      title="Packages"
      count={model.packages.length}
      testid="faas-packages"
      empty="No packages yet: push one with %%faas module or faas push."
    >
      {model.packages.map(p => {
        const revs = model.revisions.get(p.name);
        const order = sortVersions((revs ?? []).map(r => r.version)).reverse();
        const byVersion = new Map((revs ?? []).map(r => [r.version, r]));
        return (
          <LazyDetails
            key={p.name}
            className="faas-package"
            testid="faas-package"
            loaded={!!revs}
            load={() => model.loadRevisions(p.name)}
            summary={
              <>
                <span className="faas-name">{p.name}</span>
                <span className="faas-dim">{p.latestRevision ?? p.version ?? ''}</span>
              </>
            }
          >
            {!revs && <Empty text="loading revisions…" />}
            {order.map(v => (
              <RevisionView key={v} model={model} rev={byVersion.get(v)!} />
            ))}
          </LazyDetails>
        );
      })}
    </Section>
  );
}
