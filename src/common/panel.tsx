import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ReactWidget } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import { Token } from '@lumino/coreutils';
import React from 'react';

import { IVREConnection, ServiceName } from './connection';
import { ConnectionView } from './ConnectionView';
import { SigninNotice } from './SigninNotice';
import { StatusView } from './StatusView';
import { TasksView } from './TasksView';

export const PALETTE_CATEGORY = 'Virtual Research Environment';

export interface ISidebarPanelOptions {
  service: ServiceName;
  /** The plugin whose settings hold this panel's `rank`. */
  pluginId: string;
  title: string;
  caption: string;
  icon: LabIcon;
  connection: IVREConnection;
  trans: TranslationBundle;
  settings: ISettingRegistry | null;
  palette: ICommandPalette | null;
  /** The service's own view, shown between its status and its tasks. */
  content?: (context: IPanelContext) => React.ReactElement;
}

/** What a panel's own view is given. */
export interface IPanelContext {
  app: JupyterFrontEnd;
  connection: IVREConnection;
  trans: TranslationBundle;
  settings: ISettingRegistry | null;
}

/** Read one setting's composite value; the fallback when settings are unavailable. */
export async function readSetting<T>(
  settings: ISettingRegistry | null,
  pluginId: string,
  key: string,
  fallback: T
): Promise<T> {
  if (!settings) {
    return fallback;
  }
  try {
    const loaded = await settings.load(pluginId);
    return loaded.get(key).composite as T;
  } catch {
    return fallback;
  }
}

/**
 * Add a left-sidebar panel for one service, showing the user's sign-in and
 * connections, its server extension's state and its background tasks, and a
 * palette command that opens it.
 */
export async function addSidebarPanel(
  app: JupyterFrontEnd,
  options: ISidebarPanelOptions
): Promise<ReactWidget> {
  const { service, pluginId, title, connection, trans, settings, content } =
    options;
  const [rank, refreshSeconds] = await Promise.all([
    readSetting(settings, pluginId, 'rank', 500),
    readSetting(settings, 'jupyterlab-vre:common', 'statusRefreshSeconds', 60)
  ]);
  const load = () => connection.status(service);
  const panel = ReactWidget.create(
    <div className="jp-vre-Panel">
      <header className="jp-vre-Panel-header">
        <h2>{title}</h2>
      </header>
      <SigninNotice auth={connection.auth} trans={trans} />
      <ConnectionView auth={connection.auth} service={service} trans={trans} />
      <StatusView load={load} trans={trans} refreshSeconds={refreshSeconds} />
      {content?.({ app, connection, trans, settings })}
      <TasksView tasks={connection.tasks} service={service} trans={trans} />
    </div>
  );
  panel.id = `jp-vre-${service}-panel`;
  panel.addClass('jp-vre-SidebarPanel');
  panel.title.icon = options.icon;
  panel.title.caption = options.caption;
  app.shell.add(panel, 'left', { rank });

  const command = `jupyterlab-vre:open-${service}-panel`;
  app.commands.addCommand(command, {
    label: trans.__('Open the %1 panel', title),
    execute: () => app.shell.activateById(panel.id)
  });
  options.palette?.addItem({ command, category: trans.__(PALETTE_CATEGORY) });
  return panel;
}

/** What distinguishes one service's sidebar panel. */
export interface IPanelSpec<M> {
  service: ServiceName;
  icon: LabIcon;
  description: string;
  /** Functions, so translation tools find the literal strings. */
  title: (trans: TranslationBundle) => string;
  caption: (trans: TranslationBundle) => string;
  /** The token of the service's model, which another plugin provides. */
  model: Token<M>;
  /** The service's own view, given its model. */
  content: (context: IPanelContext, model: M) => React.ReactElement;
}

/** The plugin that adds one service's panel (its settings hold the panel's `rank`). */
export function sidebarPanelPlugin<M>(
  spec: IPanelSpec<M>
): JupyterFrontEndPlugin<void> {
  const id = `jupyterlab-vre:${spec.service}`;
  return {
    id,
    description: spec.description,
    autoStart: true,
    requires: [IVREConnection, spec.model],
    optional: [ITranslator, ISettingRegistry, ICommandPalette],
    activate: async (
      app: JupyterFrontEnd,
      connection: IVREConnection,
      model: M,
      translator: ITranslator | null,
      settings: ISettingRegistry | null,
      palette: ICommandPalette | null
    ): Promise<void> => {
      const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
      await addSidebarPanel(app, {
        service: spec.service,
        pluginId: id,
        title: spec.title(trans),
        caption: spec.caption(trans),
        icon: spec.icon,
        connection,
        trans,
        settings,
        palette,
        content: context => spec.content(context, model)
      });
    }
  };
}
