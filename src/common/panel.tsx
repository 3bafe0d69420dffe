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
import { ISignal, Signal } from '@lumino/signaling';
import React from 'react';

import { focusMainFieldSoon } from './a11y';
import { IVREConnection, ServiceName } from './connection';
import { IInstanceChoice, PanelHeader } from './PanelHeader';
import { SigninNotice } from './SigninNotice';
import { useExtensionStatus } from './StatusView';
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
  /** The service's own view: the user's task, right under the header line. */
  content?: (context: IPanelContext) => React.ReactElement;
  /** Shown in the header's details (e.g. an instance picker). */
  details?: (context: IPanelContext) => React.ReactElement;
}

/** The instance a panel works with; the header line shows its state. */
export class InstanceChoice implements IInstanceChoice {
  get instance(): string | null {
    return this._instance;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  set(instance: string | null): void {
    if (instance !== this._instance) {
      this._instance = instance;
      this._changed.emit();
    }
  }

  private _instance: string | null = null;
  private _changed = new Signal<this, void>(this);
}

/** What a panel's own view is given. */
export interface IPanelContext {
  app: JupyterFrontEnd;
  connection: IVREConnection;
  trans: TranslationBundle;
  settings: ISettingRegistry | null;
  /** Tell the header line which instance the view works with. */
  instance: InstanceChoice;
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

interface IPanelBodyProps {
  options: ISidebarPanelOptions;
  context: IPanelContext;
  refreshSeconds: number;
}

function PanelBody(props: IPanelBodyProps): JSX.Element {
  const { options, context, refreshSeconds } = props;
  const { service, connection, trans, title } = options;
  const load = React.useCallback(
    () => connection.status(service),
    [connection, service]
  );
  const [status, refreshStatus] = useExtensionStatus(load, refreshSeconds);
  return (
    <div className="jp-vre-Panel">
      <PanelHeader
        title={title}
        auth={connection.auth}
        service={service}
        status={status}
        refreshStatus={refreshStatus}
        trans={trans}
        instance={context.instance}
        details={options.details?.(context)}
      />
      <SigninNotice auth={connection.auth} trans={trans} />
      <div className="jp-vre-Panel-task">{options.content?.(context)}</div>
      <TasksView tasks={connection.tasks} service={service} trans={trans} />
    </div>
  );
}

/** A sidebar panel: the service's view, rendered with React. */
class SidebarPanel extends ReactWidget {
  constructor(private _props: IPanelBodyProps) {
    super();
  }

  protected render(): JSX.Element {
    return <PanelBody {...this._props} />;
  }
}

/**
 * Add a left-sidebar panel for one service: a header line with the user's
 * sign-in and the connection, the service's own view (the task) and its
 * background tasks, and a palette command that opens it with focus on its
 * main field.
 */
export async function addSidebarPanel(
  app: JupyterFrontEnd,
  options: ISidebarPanelOptions
): Promise<ReactWidget> {
  const { service, pluginId, title, connection, trans, settings } = options;
  const [rank, refreshSeconds] = await Promise.all([
    readSetting(settings, pluginId, 'rank', 500),
    readSetting(settings, 'jupyterlab-vre:common', 'statusRefreshSeconds', 60)
  ]);
  const context: IPanelContext = {
    app,
    connection,
    trans,
    settings,
    instance: new InstanceChoice()
  };
  const panel = new SidebarPanel({ options, context, refreshSeconds });
  panel.id = `jp-vre-${service}-panel`;
  panel.addClass('jp-vre-SidebarPanel');
  panel.title.icon = options.icon;
  panel.title.caption = options.caption;
  app.shell.add(panel, 'left', { rank });

  const command = `jupyterlab-vre:open-${service}-panel`;
  app.commands.addCommand(command, {
    label: trans.__('Open the %1 panel', title),
    execute: () => {
      app.shell.activateById(panel.id);
      focusMainFieldSoon(panel);
    }
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
  /** Shown in the header's details (e.g. an instance picker), given the model. */
  details?: (context: IPanelContext, model: M) => React.ReactElement;
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
        content: context => spec.content(context, model),
        details: spec.details && (context => spec.details!(context, model))
      });
    }
  };
}
