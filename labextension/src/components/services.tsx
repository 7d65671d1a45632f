/** Services: pinned revision, drift, actions, and an execute form. */
import * as React from 'react';

import { checkInputs } from '../inputs';
import { FaasModel } from '../model';
import { IPackageFunction, IService } from '../types';
import { Button, Empty, InlineMessage, InputFields, Section } from './common';
import { ServiceTriggers } from './triggers';

/** The functions of a service's module, from its pinned revision's spec. */
function functionsOf(model: FaasModel, s: IService): IPackageFunction[] {
  const rev = model.revisionOf(s.package ?? '', s.packageRevision);
  const mod = rev?.spec?.modules.find(m => m.name === s.moduleName);
  return mod?.functions ?? [];
}

function ExecuteForm(props: { model: FaasModel; service: IService; onDone: () => void }): JSX.Element {
  const { model, service } = props;
  const key = `execute:${service.name}`;
  React.useEffect(() => {
    if (service.package) {
      void model.loadRevisionDetail(service.package, service.packageRevision);
    }
  }, [service.package, service.packageRevision]);
  const fns = functionsOf(model, service);
  const [chosen, setFname] = React.useState('');
  const fname = chosen || fns[0]?.name || '';
  const [values, setValues] = React.useState<Record<string, string | boolean>>({});
  const [fieldErrors, setFieldErrors] = React.useState<Record<string, string>>({});
  const fn = fns.find(f => f.name === fname);
  const submit = async () => {
    const { input, errors } = checkInputs(fn?.input ?? [], values);
    setFieldErrors(errors);
    if (Object.keys(errors).length) {
      return;
    }
    if (await model.execute(service.name, fname, input)) {
      props.onDone();
    }
  };
  if (!fns.length) {
    return (
      <>
        <Empty text={model.isBusy(`revisions:${service.package}`) ? 'loading functions…' : 'functions unknown'} />
        <InlineMessage model={model} k={`revisions:${service.package}`} />
      </>
    );
  }
  return (
    <div className="faas-form" data-testid="faas-execute-form">
      <select
        className="jp-mod-styled"
        value={fname}
        aria-label="function"
        onChange={e => {
          setFname(e.target.value);
          setValues({}); // another function: its own inputs, no stale messages
          setFieldErrors({});
          model.dismiss(key);
        }}
      >
        {fns.map(f => (
          <option key={f.name}>{f.name}</option>
        ))}
      </select>
      <InputFields
        ios={fn?.input ?? []}
        values={values}
        errors={fieldErrors}
        model={model}
        onChange={(k, v) => setValues({ ...values, [k]: v })}
      />
      <InlineMessage model={model} k={key} />
      <Button label="Run" accept testid="faas-execute-submit" busy={model.isBusy(key)} busyLabel="Starting…" onClick={() => void submit()} />
      <Button label="Cancel" onClick={props.onDone} />
    </div>
  );
}

function ServiceRow(props: { model: FaasModel; service: IService }): JSX.Element {
  const { model, service: s } = props;
  const key = `service:${s.name}`;
  const [executing, setExecuting] = React.useState(false);
  const [confirming, setConfirming] = React.useState(false);
  const behind = model.behind(s);
  const paused = s.active === false;
  const busy = model.isBusy(key);
  return (
    <li className="faas-service" data-testid="faas-service">
      <div className="faas-row">
        <span className="faas-name">{s.name}</span>
        <span className="faas-dim">
          {s.package}/{s.moduleName} @ {s.packageRevision} · {s.runtime}
        </span>
        {behind !== null && (
          <span className={behind > 0 ? 'faas-drift faas-behind' : 'faas-drift'} data-testid="faas-drift">
            {behind > 0 ? `${behind} behind` : 'latest'}
          </span>
        )}
        {paused && <span className="faas-status faas-status-paused">paused</span>}
      </div>
      <div className="faas-actions">
        <Button label="Execute…" accept testid="faas-execute" disabled={paused || busy} onClick={() => setExecuting(!executing)} />
        <Button label="Update to latest" disabled={!behind || busy} onClick={() => void model.updateToLatest(s)} />
        <Button label="Roll back" disabled={busy} onClick={() => void model.rollBack(s)} />
        {paused ? (
          <Button label="Resume" disabled={busy} onClick={() => void model.resume(s.name)} />
        ) : (
          <Button label="Pause" disabled={busy} onClick={() => void model.pause(s.name)} />
        )}
        {confirming ? (
          <Button label={`Delete ${s.name}?`} warn busy={busy} busyLabel="Deleting…" onClick={() => void model.deleteService(s.name)} />
        ) : (
          <Button label="Delete" disabled={busy} onClick={() => setConfirming(true)} />
        )}
        {busy && <span className="faas-dim" role="status">working…</span>}
      </div>
      <InlineMessage model={model} k={key} />
      {executing && <ExecuteForm model={model} service={s} onDone={() => setExecuting(false)} />}
      <ServiceTriggers
        model={model}
        service={s.name}
        functions={() => functionsOf(model, s)}
        loadFunctions={() => s.package && void model.loadRevisionDetail(s.package, s.packageRevision)}
      />
    </li>
  );
}

export function ServicesSection(props: { model: FaasModel }): JSX.Element {
  const { model } = props;
  return (
    <Section
      title="Services"
      count={model.services.length}
      testid="faas-services"
      empty="No services: deploy a module from a revision above."
    >
      <ul className="faas-list">
        {model.services.map(s => (
          <ServiceRow key={s.name} model={model} service={s} />
        ))}
      </ul>
    </Section>
  );
}
