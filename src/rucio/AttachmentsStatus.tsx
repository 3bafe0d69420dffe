import { ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { AttachmentInjector } from './injector';

/**
 * The notebook toolbar's report of its Rucio attachments: how many are
 * injected, and which are waiting and why. Hidden when there are none.
 */
export function attachmentsStatus(
  injector: AttachmentInjector,
  trans: TranslationBundle,
  open: () => void
): ReactWidget {
  const widget = ReactWidget.create(
    <UseSignal signal={injector.changed}>
      {() => {
        const attachments = injector.attachments;
        if (attachments.length === 0) {
          return null;
        }
        const waiting = attachments.filter(
          a => injector.stateOf(a.variable).state !== 'injected'
        );
        const detail = waiting
          .map(a => {
            const state = injector.stateOf(a.variable);
            return `${a.variable} (${a.did}): ${state.message ?? trans.__('not injected yet')}`;
          })
          .join('\n');
        // A collection missing some files counts as waiting, never as injected.
        const incomplete = waiting.filter(
          a => (injector.stateOf(a.variable).missing ?? 0) > 0
        ).length;
        const injected = attachments.length - waiting.length;
        return (
          <button
            className={`jp-vre-AttachmentsStatus jp-ToolbarButtonComponent ${
              waiting.length ? 'jp-mod-waiting' : 'jp-mod-injected'
            }`}
            data-injections={injector.injections}
            data-injected={injected}
            data-waiting={waiting.length}
            data-incomplete={incomplete}
            title={detail || trans.__('All Rucio attachments are injected.')}
            onClick={open}
          >
            {waiting.length
              ? trans.__(
                  'Rucio: %1 injected, %2 waiting',
                  injected,
                  waiting.length
                )
              : trans._n(
                  'Rucio: %1 variable injected',
                  'Rucio: %1 variables injected',
                  injected
                )}
          </button>
        );
      }}
    </UseSignal>
  );
  widget.addClass('jp-vre-AttachmentsStatus-item');
  return widget;
}
