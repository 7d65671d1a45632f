/** The faas-jupyter plugin: sidebar, palette commands and settings. */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { FaasApi } from './api';
import { FaasSidebar, faasIcon, SIDEBAR_ID } from './components/sidebar';
import { Tab } from './console/model';
import { ConsoleContent, createConsole } from './console/widget';
import { FaasModel } from './model';
import { LABEXTENSION_VERSION } from './version';

const PLUGIN_ID = 'faas-jupyter:plugin';
const CATEGORY = 'FaaS';

export namespace CommandIDs {
  export const open = 'faas-jupyter:open';
  export const openConsole = 'faas-jupyter:open-console';
  export const refresh = 'faas-jupyter:refresh';
  export const deploy = 'faas-jupyter:deploy';
}

function addCommands(app: JupyterFrontEnd, sidebar: FaasSidebar, palette: ICommandPalette | null): void {
  const { commands, shell } = app;
  let console: MainAreaWidget<ConsoleContent> | null = null;
  commands.addCommand(CommandIDs.openConsole, {
    label: 'FaaS: Open Console',
    caption: 'Executions, charts, items and package revisions in the main area',
    icon: faasIcon,
    execute: args => {
      const tab = typeof args?.tab === 'string' ? (args.tab as Tab) : undefined;
      if (!console || console.isDisposed) {
        console = createConsole(sidebar.model, tab);
        shell.add(console, 'main');
      } else if (tab) {
        console.content.model.setTab(tab);
      }
      shell.activateById(console.id);
    }
  });
  commands.addCommand(CommandIDs.open, {
    label: 'Open FaaS Sidebar',
    icon: faasIcon,
    execute: () => shell.activateById(SIDEBAR_ID)
  });
  commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh FaaS Sidebar',
    execute: () => sidebar.model.refresh()
  });
  // Deploying needs a revision and a module: open the packages list to pick them.
  commands.addCommand(CommandIDs.deploy, {
    label: 'Deploy a FaaS Package Revision…',
    execute: () => {
      shell.activateById(SIDEBAR_ID);
      sidebar.node.querySelector<HTMLDetailsElement>('[data-testid="faas-packages"]')?.setAttribute('open', '');
      sidebar.node.querySelector<HTMLDetailsElement>('[data-testid="faas-package"]')?.setAttribute('open', '');
    }
  });
  for (const command of [CommandIDs.openConsole, CommandIDs.open, CommandIDs.refresh, CommandIDs.deploy]) {
    palette?.addItem({ command, category: CATEGORY });
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Sidebar for faas_jupyter: packages, revisions, services, executions and datasets.',
  autoStart: true,
  optional: [ICommandPalette, ISettingRegistry, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null
  ) => {
    const model = new FaasModel(new FaasApi(), { labextensionVersion: LABEXTENSION_VERSION });
    const sidebar = new FaasSidebar(model, tab => void app.commands.execute(CommandIDs.openConsole, tab ? { tab } : {}));
    app.shell.add(sidebar, 'left', { rank: 850 });
    restorer?.add(sidebar, SIDEBAR_ID);
    addCommands(app, sidebar, palette);
    const apply = (settings: ISettingRegistry.ISettings) =>
      model.setRefreshInterval(settings.get('refreshInterval').composite as number);
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          apply(settings);
          settings.changed.connect(apply);
        })
        .catch(reason => console.error('faas-jupyter: cannot load settings', reason));
    } else {
      model.setRefreshInterval(5);
    }
    // the first poll happens when the sidebar or the console is shown
    console.log(`JupyterLab extension faas-jupyter ${LABEXTENSION_VERSION} is activated`);
  }
};

export default plugin;
