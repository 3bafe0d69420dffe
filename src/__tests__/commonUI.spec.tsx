import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { Widget } from '@lumino/widgets';

import {
  announce,
  focusMainField,
  keepFocus,
  lastAnnouncement
} from '../common/a11y';
import { ActionBar, ActionButton } from '../common/ActionButton';
import { splitForEllipsis, withoutScope } from '../common/MiddleEllipsis';
import { findProblem } from '../common/PanelHeader';
import { AuthModel, IAuthStatus } from '../common/auth';
import { ExtensionStatusState } from '../common/StatusView';
import { VREAPIError } from '../common/request';

const trans = nullTranslator.load('jupyterlab_vre');

describe('middle ellipsis', () => {
  it('keeps the end of a long name whole, so siblings stay apart', () => {
    const [head, tail] = splitForEllipsis(
      'atlas_open:opendata.pp_13TeV.2016.periodA'
    );
    expect(head + tail).toBe('atlas_open:opendata.pp_13TeV.2016.periodA');
    expect(tail).toBe('2016.periodA');
    expect(splitForEllipsis('short.root')).toEqual(['short.root', '']);
  });

  it('drops a scope already shown', () => {
    expect(withoutScope('user.jdoe:run2', 'user.jdoe')).toBe('run2');
    expect(withoutScope('other:run2', 'user.jdoe')).toBe('other:run2');
    expect(withoutScope('user.jdoe:run2', null)).toBe('user.jdoe:run2');
  });
});

describe('announce', () => {
  it('puts the message in one polite live region', async () => {
    announce('Make s:d available: Done');
    await new Promise(resolve => requestAnimationFrame(resolve));
    const region = document.getElementById('jp-vre-live-region')!;
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(lastAnnouncement()).toBe('Make s:d available: Done');
    announce('again');
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(document.querySelectorAll('#jp-vre-live-region')).toHaveLength(1);
  });
});

describe('keepFocus', () => {
  it('moves focus to the fallback when the action removed the button', async () => {
    const button = document.createElement('button');
    const fallback = document.createElement('div');
    fallback.tabIndex = 0;
    document.body.append(button, fallback);
    button.focus();
    await keepFocus(
      button,
      async () => {
        button.remove(); // re-rendered away
      },
      () => fallback
    );
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(document.activeElement).toBe(fallback);
    fallback.remove();
  });
});

describe('focusMainField', () => {
  const panel = (html: string) => {
    const widget = new Widget();
    widget.node.innerHTML = html;
    document.body.appendChild(widget.node);
    return widget;
  };

  it('focuses the main field', () => {
    const widget = panel(
      '<button>Details</button><input data-vre-main-field="" aria-label="main">'
    );
    expect(focusMainField(widget)).toBe(true);
    expect(document.activeElement?.getAttribute('aria-label')).toBe('main');
    widget.node.remove();
  });

  it('focuses the first enabled element while the main field is disabled', () => {
    const widget = panel(
      '<button disabled>Off</button><button data-vre-main-field="" disabled>Publish</button><button>Sign in</button>'
    );
    expect(focusMainField(widget)).toBe(true);
    expect(document.activeElement?.textContent).toBe('Sign in');
    widget.node.remove();
  });
});

describe('ActionBar', () => {
  it('moves between enabled buttons with the arrow keys', () => {
    render(
      <ActionBar label="Actions">
        <ActionButton label="One" onClick={() => undefined} kind="primary" />
        <ActionButton label="Two" onClick={() => undefined} disabled />
        <ActionButton label="Three" onClick={() => undefined} />
      </ActionBar>
    );
    const toolbar = screen.getByRole('toolbar', { name: 'Actions' });
    const one = screen.getByRole('button', { name: 'One' });
    one.focus();
    fireEvent.keyDown(toolbar, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Three' })
    );
    fireEvent.keyDown(toolbar, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(one);
    expect(one.className).toContain('jp-mod-primary');
  });

  it('says why a disabled action is disabled', () => {
    render(
      <ActionButton
        label="Make available"
        disabled
        disabledReason="Already available on MOUNT."
        onClick={() => undefined}
      />
    );
    const button = screen.getByRole('button', { name: 'Make available' });
    expect(button.getAttribute('title')).toBe('Already available on MOUNT.');
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('findProblem', () => {
  const auth = (status: Partial<IAuthStatus> | null, error?: VREAPIError) =>
    ({
      status: status as IAuthStatus | null,
      error: error ?? null
    }) as unknown as AuthModel;
  const ready: ExtensionStatusState = {
    kind: 'ready',
    status: {
      extension: 'rucio_ext',
      version: '0',
      configured: true,
      message: '',
      details: {}
    }
  };
  const connection = {
    service: 'rucio' as const,
    instance: 'cms',
    display_name: 'CMS',
    connected: false,
    source: null,
    message: 'No credentials stored.',
    fields: ['username', 'password']
  };

  it('is quiet when all is well', () => {
    const signedIn = auth({
      identity: { subject: 'x' } as never,
      token: {} as never
    });
    expect(
      findProblem(
        signedIn,
        { ...connection, connected: true, source: 'iam' } as never,
        ready,
        trans
      )
    ).toBeNull();
  });

  it('names a server extension that does not answer first', () => {
    const failed: ExtensionStatusState = {
      kind: 'failed',
      error: new VREAPIError(404, 'extension_missing', 'Ask your hub admin.')
    };
    const problem = findProblem(auth(null), null, failed, trans)!;
    expect(problem.headline).toBe('The server extension did not answer');
    expect(problem.advice).toContain('Ask your hub admin.');
  });

  it('asks for the credentials of an instance that is not connected', () => {
    const signedIn = auth({
      identity: { subject: 'x' } as never,
      token: {} as never
    });
    const problem = findProblem(signedIn, connection as never, ready, trans)!;
    expect(problem.headline).toBe('Not connected to CMS');
    expect(problem.advice).toContain('Enter your credentials below.');
    expect(problem.connection?.instance).toBe('cms');
  });
});

describe('ActionButton focus', () => {
  it('is a real button that keeps its label as accessible name when icon-only', () => {
    render(<ActionButton label="Refresh" iconOnly onClick={() => undefined} />);
    act(() => screen.getByRole('button', { name: 'Refresh' }).focus());
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Refresh');
  });
});
