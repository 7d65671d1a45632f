/** The console's Triggers tab: every trigger of the project by service (from the shared poll),
 * with the sidebar's rows; a run a trigger started opens in the Executions tab. */
import * as React from 'react';

import { Empty } from '../components/common';
import { TriggerRow } from '../components/triggers';
import { ConsoleModel } from './model';

export function TriggersTab(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  const shared = model.shared;
  const [service, setService] = React.useState('');
  const services = [...new Set(shared.triggers.map(t => t.spec.operation?.serviceName ?? ''))].sort();
  const shown = service ? shared.triggersOf(service) : services.flatMap(s => shared.triggersOf(s));
  return (
    <div className="faas-console-triggers" data-testid="faas-console-triggers">
      <div className="faas-filters">
        <label className="faas-field faas-inline">
          <span>service</span>
          <select className="jp-mod-styled" value={service} data-testid="faas-trigger-service-filter" onChange={e => setService(e.target.value)}>
            <option value="">any service</option>
            {services.map(s => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <span className="faas-dim">add triggers from a service in the sidebar, with %faas trigger, or faas triggers create</span>
      </div>
      {shown.length === 0 && <Empty text="No triggers: nothing runs by itself yet." />}
      <ul className="faas-list">
        {shown.map(t => (
          <TriggerRow key={t.id} model={shared} trigger={t} showService openExecution={id => model.showExecution(id)} />
        ))}
      </ul>
    </div>
  );
}
