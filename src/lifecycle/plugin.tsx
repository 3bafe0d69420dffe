import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  InputDialog,
  Notification,
  ReactWidget,
  showDialog
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import React from 'react';

import { IVREConnection } from '../common/connection';
import { asAPIError } from '../common/request';
import { IReanaWorkflows } from '../reana/tokens';
import { IRucioModel } from '../rucio/tokens';
import { IZenodo } from '../zenodo/tokens';
import {
  ILifecycleQuestions,
  LifecycleClient,
  LifecycleError,
  LifecycleModel
} from './model';
import { describe } from './state';

export const RUN_INPUTS_COMMAND = 'jupyterlab-vre:lifecycle-run';
export const PUBLISH_COMMAND = 'jupyterlab-vre:lifecycle-publish';

/** The questions of the lifecycle, as dialogs. */
function dialogs(trans: TranslationBundle): ILifecycleQuestions {
  return {
    mode: async count => {
      const mounted = trans.__('From the mounted RSE');
      const answer = await InputDialog.getItem({
        title: trans.__('How does the workflow read %1 input(s)?', count),
        items: [mounted, trans.__('The workflow fetches them from Rucio')]
      });
      if (!answer.button.accept) {
        return null;
      }
      return answer.value === mounted ? 'mounted' : 'rucio';
    },
    confirmRun: async (spec, report) => {
      const body = ReactWidget.create(
        <div className="jp-vre-LifecycleSpec">
          <p>
            {report.valid
              ? trans.__('%1 (from %2) is valid:', spec.path, spec.source)
              : trans.__('%1 is not valid:', spec.path)}
          </p>
          <ul>
            {report.messages.map((m, i) => (
              <li key={i}>{`${m.severity}: ${m.message}`}</li>
            ))}
          </ul>
          <pre className="jp-vre-LifecycleSpec-text">{spec.text}</pre>
        </div>
      );
      const answer = await showDialog({
        title: trans.__('Run on REANA'),
        body,
        buttons: report.valid
          ? [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Run') })]
          : [Dialog.okButton({ label: trans.__('Close') })]
      });
      return report.valid && answer.button.accept;
    },
    record: async proposed => {
      const title = await InputDialog.getText({
        title: trans.__('Publish outputs to Zenodo: title'),
        text: proposed.title
      });
      if (!title.button.accept) {
        return null;
      }
      const creator = await InputDialog.getText({
        title: trans.__('Creator ("Family, Given")'),
        text: proposed.creator
      });
      if (!creator.button.accept) {
        return null;
      }
      return {
        title: title.value || proposed.title,
        creator: creator.value ?? ''
      };
    }
  };
}

/**
 * The lifecycle commands on a notebook: its attached DIDs become a REANA
 * run's inputs, the run's outputs are published to Zenodo with provenance and
 * an RO-Crate. The steps are `LifecycleModel`'s; this wires them to commands,
 * dialogs and the notebook's toolbar.
 */
export const lifecyclePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-vre:lifecycle',
  description:
    'From the notebook’s Rucio inputs to a REANA run to a Zenodo DOI.',
  autoStart: true,
  requires: [
    IVREConnection,
    INotebookTracker,
    IRucioModel,
    IReanaWorkflows,
    IZenodo
  ],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    connection: IVREConnection,
    tracker: INotebookTracker,
    rucio: IRucioModel,
    reana: IReanaWorkflows,
    zenodo: IZenodo,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_vre');
    const client = new LifecycleClient(connection.serverSettings);
    const ask = dialogs(trans);
    const models = new WeakMap<NotebookPanel, LifecycleModel>();

    const modelOf = (panel: NotebookPanel): LifecycleModel => {
      let model = models.get(panel);
      if (!model) {
        model = new LifecycleModel({
          notebook: {
            get path() {
              return panel.context.path;
            },
            metadata: panel.context.model,
            save: () => panel.context.save()
          },
          client,
          rucio,
          reana,
          zenodo,
          watch: id => connection.tasks.watch(id),
          ask
        });
        models.set(panel, model);
        panel.disposed.connect(() => model?.dispose());
      }
      return model;
    };

    const report = (what: string) => (reason: unknown) => {
      const message =
        reason instanceof LifecycleError
          ? reason.message
          : asAPIError(reason).message;
      Notification.error(trans.__('%1: %2', what, message), {
        autoClose: false
      });
    };

    app.commands.addCommand(RUN_INPUTS_COMMAND, {
      label: trans.__('Run on REANA with the Notebook’s Rucio Inputs…'),
      caption: trans.__(
        'Use the DIDs attached to this notebook as inputs of the reana.yaml next to it'
      ),
      isEnabled: () => !!tracker.currentWidget,
      execute: async () => {
        const panel = tracker.currentWidget;
        if (panel) {
          await modelOf(panel)
            .run()
            .catch(report(trans.__('Run on REANA')));
        }
      }
    });

    app.commands.addCommand(PUBLISH_COMMAND, {
      label: trans.__('Publish Outputs to Zenodo…'),
      caption: trans.__(
        'Publish the finished run’s outputs with their provenance'
      ),
      isEnabled: () => {
        const panel = tracker.currentWidget;
        const step = panel ? modelOf(panel).state?.step : undefined;
        return step === 'finished' || step === 'draft';
      },
      execute: async () => {
        const panel = tracker.currentWidget;
        if (panel) {
          await modelOf(panel)
            .publish()
            .catch(report(trans.__('Publish outputs')));
        }
      }
    });

    for (const command of [RUN_INPUTS_COMMAND, PUBLISH_COMMAND]) {
      app.contextMenu.addItem({ command, selector: '.jp-Notebook', rank: 60 });
    }

    // Where the lifecycle stands, in the notebook's toolbar (and what was published: the DOI).
    tracker.widgetAdded.connect((_, panel) => {
      // A plain widget: its text is set directly. (A React one wiped text set before its first
      // render, which is what happened when a notebook was opened again.)
      const label = new Widget({ node: document.createElement('span') });
      label.addClass('jp-vre-LifecycleStatus');
      panel.toolbar.insertItem(10, 'vre-lifecycle', label);
      void panel.context.ready.then(() => {
        const model = modelOf(panel);
        const update = () => {
          label.node.textContent = describe(model.state);
        };
        update();
        panel.context.model.metadataChanged.connect(update);
        model.stateChanged.connect(update);
        // Opened again (after a reload) while its run was going: follow it from where it stood.
        if (model.state?.step === 'running') {
          model.follow().catch(report(trans.__('REANA run')));
        }
      });
    });
  }
};
