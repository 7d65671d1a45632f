/** The left sidebar widget: a header, banners, then the four sections. */
import { LabIcon, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
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

function SidebarView(props: { model: FaasModel }): JSX.Element {
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
        <Button label={model.loading ? 'Refreshing…' : 'Refresh'} testid="faas-refresh" onClick={() => void model.refresh()} />
      </div>
      {model.versionWarning && (
        <div className="faas-warning" data-testid="faas-version-warning">
          {model.versionWarning}
        </div>
      )}
      {model.error && (
        <div className="faas-error" role="alert" data-testid="faas-error">
          {model.error}
        </div>
      )}
      {model.notice && !model.error && (
        <div className="faas-notice" data-testid="faas-notice">
          {model.notice}
        </div>
      )}
      </div>
      {who && (
        <>
          <PackagesSection model={model} />
          <ServicesSection model={model} />
          <ExecutionsSection model={model} />
          <DatasetsSection model={model} />
        </>
      )}
    </div>
  );
}

export class FaasSidebar extends ReactWidget {
  constructor(readonly model: FaasModel) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('faas-sidebar');
    this.title.icon = faasIcon;
    this.title.caption = 'FaaS: packages, services, executions, datasets';
  }

  render(): JSX.Element {
    return <UseSignal signal={this.model.changed}>{() => <SidebarView model={this.model} />}</UseSignal>;
  }
}
