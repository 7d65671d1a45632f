/** The main-area console: a MainAreaWidget whose content has five tabs. */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { faasIcon } from '../components/sidebar';
import { FaasModel } from '../model';
import { ExecutionsTab } from './executionsTab';
import { ConsoleModel, Tab } from './model';
import { ChartsTab, ItemsTab, PackagesTab } from './otherTabs';
import { TriggersTab } from './triggersTab';

export const CONSOLE_ID = 'faas-jupyter-console';

const TABS: [Tab, string][] = [
  ['executions', 'Executions'],
  ['charts', 'Charts'],
  ['items', 'Items'],
  ['packages', 'Packages'],
  ['triggers', 'Triggers']
];

function ConsoleView(props: { model: ConsoleModel }): JSX.Element {
  const { model } = props;
  return (
    <div className="faas-console-inner">
      <div className="faas-tabs" role="tablist" aria-label="FaaS console">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            id={`faas-tab-${id}`}
            aria-selected={model.tab === id}
            aria-controls="faas-tabpanel"
            className={model.tab === id ? 'faas-tab faas-tab-active' : 'faas-tab'}
            data-testid={`faas-tab-${id}`}
            onClick={() => model.setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <span className="faas-dim faas-tabs-status" role="status">
        {model.loading ? 'loading…' : ''}
      </span>
      {model.error && (
        <div className="faas-error faas-inline-message" role="alert" data-testid="faas-console-error">
          <span>{model.error}</span>
        </div>
      )}
      <div className="faas-tabpanel" id="faas-tabpanel" role="tabpanel" aria-labelledby={`faas-tab-${model.tab}`}>
        {model.tab === 'executions' && <ExecutionsTab model={model} />}
        {model.tab === 'charts' && <ChartsTab model={model} />}
        {model.tab === 'items' && <ItemsTab model={model} />}
        {model.tab === 'packages' && <PackagesTab model={model} />}
        {model.tab === 'triggers' && <TriggersTab model={model} />}
      </div>
    </div>
  );
}

export class ConsoleContent extends ReactWidget {
  constructor(readonly model: ConsoleModel) {
    super();
    this.addClass('faas-console');
  }

  render(): JSX.Element {
    // the shared model changes too (previews, busy states, errors of actions)
    return (
      <UseSignal signal={this.model.shared.changed}>
        {() => <UseSignal signal={this.model.changed}>{() => <ConsoleView model={this.model} />}</UseSignal>}
      </UseSignal>
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.setVisible(false);
    super.onBeforeDetach(msg);
  }
}

/** A new console widget on the shared model (the caller adds it to the main area). */
export function createConsole(shared: FaasModel, tab?: Tab): MainAreaWidget<ConsoleContent> {
  const model = new ConsoleModel(shared);
  if (tab) {
    model.tab = tab;
  }
  const widget = new MainAreaWidget({ content: new ConsoleContent(model) });
  widget.id = CONSOLE_ID;
  widget.title.label = 'FaaS Console';
  widget.title.icon = faasIcon;
  widget.title.closable = true;
  widget.disposed.connect(() => model.dispose());
  return widget;
}
