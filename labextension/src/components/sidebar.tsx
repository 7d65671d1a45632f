/** The left sidebar widget: a header, banners, then the four sections. */
import { LabIcon, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { FaasModel } from '../model';
import { Button } from './common';
import { DatasetsSection } from './datasets';
import { ExecutionsSection } from './executions';
import { PackagesSection } from './packages';
import { ServicesSection } from './services';

export const SIDEBAR_ID = 'faas-jupyter-sidebar';

/** A lambda in a rounded square: reads as "functions" at 16 px. */
export const faasIcon = new LabIcon({
  name: 'faas-jupyter:icon',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">' +
    '<rect class="jp-icon3" fill="#616161" x="2" y="2" width="20" height="20" rx="4"/>' +
    '<path fill="#fff" d="M7.5 18.5 11 10.3 9.6 7H8V5h3l5 11.5h1.5v2H15l-2.9-6.6-2.4 6.6z"/></svg>'
});

function SidebarView(props: { model: FaasModel; openConsole?: (tab?: string) => void }): JSX.Element {
  const { model } = props;
  const who = model.whoami;
  return (
    <div className="faas-sidebar-inner">
      <div className="faas-top">
      <div className="faas-header">
        <span className="faas-title">FaaS</span>
        <span className="faas-dim" data-testid="faas-whoami">
          {who ? `${who.user} · ${who.project} · v${who.version}` : ''}
        </span>
        {props.openConsole && <Button label="Console" accept testid="faas-open-console" title="FaaS: Open Console" onClick={() => props.openConsole!()} />}
        <Button label="Refresh" busy={model.loading} busyLabel="Refreshing…" testid="faas-refresh" onClick={() => void model.refresh()} />
      </div>
      {model.versionWarning && (
        <div className="faas-warning" data-testid="faas-version-warning">
          {model.versionWarning}
        </div>
      )}
      {model.error && (
        <div className="faas-error faas-inline-message" role="alert" data-testid="faas-error">
          <span>{model.error}</span>
          <button className="faas-dismiss" aria-label="Dismiss" title="Dismiss" onClick={() => model.dismiss('refresh')}>
            ×
          </button>
        </div>
      )}
      </div>
      {who && (
        <>
          <PackagesSection model={model} />
          <ServicesSection model={model} />
          <ExecutionsSection model={model} openConsole={props.openConsole && (() => props.openConsole!('executions'))} />
          <DatasetsSection model={model} openItems={props.openConsole && (() => props.openConsole!('items'))} />
        </>
      )}
    </div>
  );
}

export class FaasSidebar extends ReactWidget {
  /** `openConsole` opens the main-area console (the `FaaS: Open Console` command). */
  constructor(
    readonly model: FaasModel,
    readonly openConsole?: (tab?: string) => void
  ) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('faas-sidebar');
    this.title.icon = faasIcon;
    this.title.caption = 'FaaS: packages, services, executions, datasets';
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>{() => <SidebarView model={this.model} openConsole={this.openConsole} />}</UseSignal>
    );
  }

  // polling runs only while a view of the model is visible
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(SIDEBAR_ID, true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(SIDEBAR_ID, false);
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.setVisible(SIDEBAR_ID, false);
    super.onBeforeDetach(msg);
  }
}
