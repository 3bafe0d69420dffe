import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { IAttachmentState } from './injector';
import { NotebookAttachments } from './notebooks';

function stateLabel(state: IAttachmentState, trans: TranslationBundle): string {
  switch (state.state) {
    case 'injected':
      return state.files !== undefined
        ? trans._n('Injected (%1 file)', 'Injected (%1 files)', state.files)
        : trans.__('Injected');
    case 'resolving':
      return trans.__('Checking');
    case 'waiting':
      // A collection that is not whole is never injected: say how much of it is missing.
      return state.missing !== undefined && state.files !== undefined
        ? trans.__(
            'Waiting: %1 of %2 files missing',
            state.missing,
            state.files
          )
        : trans.__('Waiting');
    case 'stopped':
      return trans.__('Check cancelled');
    case 'unsupported':
      return trans.__('Not injected');
    default:
      return trans.__('Not injected yet');
  }
}

/** The current notebook's attachments, with their state in its kernel; rename and remove. */
export function AttachmentsView(props: {
  notebooks: NotebookAttachments;
  trans: TranslationBundle;
}): JSX.Element {
  const { notebooks, trans } = props;
  return (
    <section
      className="jp-vre-Attachments"
      aria-label={trans.__('Notebook attachments')}
    >
      <h3>{trans.__('Notebook attachments')}</h3>
      <UseSignal signal={notebooks.changed}>
        {() => {
          const panel = notebooks.currentPanel;
          const injector = notebooks.current;
          if (!panel || !injector) {
            return (
              <p>
                {trans.__(
                  'Open a notebook to see its attachments; attach a DID from its actions above.'
                )}
              </p>
            );
          }
          const attachments = injector.attachments;
          return (
            <>
              <p className="jp-vre-Attachments-notebook">{panel.title.label}</p>
              {attachments.length === 0 ? (
                <p>{trans.__('No DIDs attached to this notebook.')}</p>
              ) : (
                <ul className="jp-vre-Attachments-list">
                  {attachments.map(a => {
                    const state = injector.stateOf(a.variable);
                    return (
                      <li
                        key={a.variable}
                        className={`jp-vre-Attachment jp-mod-${state.state}`}
                        data-variable={a.variable}
                      >
                        <code className="jp-vre-Attachment-variable">
                          {a.variable}
                        </code>
                        <span className="jp-vre-Attachment-did" title={a.did}>
                          {a.did}
                        </span>
                        <span className="jp-vre-Attachment-instance">
                          {a.instance}
                        </span>
                        <span
                          className="jp-vre-Attachment-state"
                          title={state.message}
                        >
                          {stateLabel(state, trans)}
                        </span>
                        {state.message && (
                          <span className="jp-vre-Attachment-message">
                            {state.message}
                          </span>
                        )}
                        <Button
                          small
                          minimal
                          title={trans.__('Rename %1', a.variable)}
                          onClick={() => void notebooks.rename(a.variable)}
                        >
                          {trans.__('Rename')}
                        </Button>
                        <Button
                          small
                          minimal
                          title={trans.__('Remove %1', a.variable)}
                          onClick={() => injector.remove(a.variable)}
                        >
                          {trans.__('Remove')}
                        </Button>
                      </li>
                    );
                  })}
                </ul>
              )}
              {attachments.length > 0 && (
                <Button small minimal onClick={() => void injector.inject()}>
                  {trans.__('Inject again now')}
                </Button>
              )}
            </>
          );
        }}
      </UseSignal>
    </section>
  );
}
