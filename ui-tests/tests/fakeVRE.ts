// Stand-ins for the shared endpoints `/vre/api/auth/status` and `/credentials/...`,
// answering as vre_common/models.py says, for the browser tests written before the
// server side landed. (The task list is tested on real tasks: tasks.spec.ts,
// cancel.spec.ts, resume.spec.ts.) JupyterLab appends a
// cache-busting query string to GETs, hence the patterns.
import type { Page, Request } from '@playwright/test';

function connection(
  service: string,
  instance: string,
  display_name: string,
  auth: string,
  connected: boolean,
  source: string | null,
  fields: string[],
  message: string
) {
  return {
    service,
    instance,
    display_name,
    auth,
    connected,
    source,
    fields,
    message
  };
}

/** The fake server's state; tests change it and read what was sent. */
export class FakeVRE {
  reanaToken: string | null = null;
  readonly sent: { method: string; path: string; body: unknown }[] = [];

  authStatus() {
    return {
      identity: {
        subject: '7d2e6c1a',
        username: 'alice',
        name: 'Alice Liddell',
        email: 'alice@escape.eu',
        issuer: 'https://iam-escape.example/'
      },
      token: {
        configured: true,
        source: 'refresh',
        expires_at: '2030-01-01T12:00:00Z',
        refreshable: true,
        error: null
      },
      services: [
        connection(
          'rucio',
          'cms',
          'cms',
          'userpass',
          false,
          null,
          ['username', 'password'],
          'Enter your username and password to connect to cms.'
        ),
        connection(
          'rucio',
          'escape',
          'escape',
          'iam',
          true,
          'iam',
          [],
          'Uses your IAM login.'
        ),
        this.reana(),
        connection(
          'zenodo',
          'sandbox',
          'Zenodo sandbox',
          'token',
          true,
          'admin',
          ['token'],
          'Credentials provided by your hub admin.'
        )
      ]
    };
  }

  reana() {
    return this.reanaToken
      ? connection(
          'reana',
          'default',
          'REANA',
          'token',
          true,
          'user',
          ['token'],
          'Credentials provided by you.'
        )
      : connection(
          'reana',
          'default',
          'REANA',
          'token',
          false,
          null,
          ['token'],
          'Enter your token to connect to REANA.'
        );
  }

  /** Install the routes; call before `page.goto()`. */
  async install(page: Page): Promise<void> {
    const json = (body: unknown) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify(body)
    });
    const record = (request: Request) => {
      const path = new URL(request.url()).pathname.replace(
        /^.*\/vre\/api\//,
        ''
      );
      this.sent.push({
        method: request.method(),
        path,
        body: request.postDataJSON()
      });
    };
    await page.route(/\/vre\/api\/auth\/status/, route =>
      route.fulfill(json(this.authStatus()))
    );
    await page.route(/\/vre\/api\/credentials\/reana\/default/, route => {
      record(route.request());
      const body = route.request().postDataJSON();
      this.reanaToken =
        route.request().method() === 'PUT' ? body.fields.token : null;
      return route.fulfill(json(this.reana()));
    });
  }
}
