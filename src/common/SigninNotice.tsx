import { TranslationBundle } from '@jupyterlab/translation';
import { Button, UseSignal } from '@jupyterlab/ui-components';
import React from 'react';

import { AuthModel } from './auth';

export interface ISigninNoticeProps {
  auth: AuthModel;
  trans: TranslationBundle;
}

/**
 * "Sign in again", shown by every panel while the hub cannot renew the user's
 * IAM tokens. The link opens the hub's login in a new tab; this tab keeps its
 * state and the notice goes away on its own once the sign-in is done.
 */
export function SigninNotice(props: ISigninNoticeProps): JSX.Element {
  const { auth, trans } = props;
  return (
    <UseSignal signal={auth.changed}>
      {() =>
        auth.signinUrl ? (
          <div className="jp-vre-SigninNotice" role="alert">
            <p>
              {trans.__(
                'Your sign-in has ended and could not be renewed. Sign in again; this tab goes on working afterwards.'
              )}
            </p>
            <a
              className="jp-vre-SigninNotice-link"
              href={auth.signinUrl}
              target="_blank"
              rel="noopener noreferrer"
            >
              {trans.__('Sign in again')}
            </a>
            <Button
              className="jp-vre-SigninNotice-check"
              minimal
              small
              onClick={() => void auth.refresh()}
            >
              {trans.__('I have signed in')}
            </Button>
          </div>
        ) : (
          <></>
        )
      }
    </UseSignal>
  );
}
