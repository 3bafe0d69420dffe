import { ServerConnection } from '@jupyterlab/services';

import { API_ROOT } from '../common/request';

/** One request as the fake server saw it; `path` is relative to `/vre/api/`. */
export interface IRecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface IFakeAnswer {
  status?: number;
  body: unknown;
}

/** Answers `"<METHOD> <path>"`, e.g. `"GET auth/status"`; read at request time. */
export type FakeRoutes = Record<
  string,
  (request: IRecordedRequest) => IFakeAnswer
>;

const BASE_URL = 'http://hub/user/a/';

/**
 * Stands in for the Jupyter server behind `ServerConnection.makeRequest`, so
 * the real `requestAPI` runs; undo with `jest.restoreAllMocks()`.
 */
export class FakeServer {
  constructor(routes: FakeRoutes) {
    this._routes = routes;
    jest
      .spyOn(ServerConnection, 'makeRequest')
      .mockImplementation((url, init) => this._answer(url, init));
  }

  readonly settings = ServerConnection.makeSettings({ baseUrl: BASE_URL });
  readonly requests: IRecordedRequest[] = [];

  /** How many requests matched `"<METHOD> <path>"`. */
  count(route: string): number {
    return this.requests.filter(r => `${r.method} ${r.path}` === route).length;
  }

  private async _answer(url: string, init: RequestInit): Promise<Response> {
    const path = url.slice(`${BASE_URL}${API_ROOT}/`.length);
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
    const request = { method, path, body };
    this.requests.push(request);
    const route = this._routes[`${method} ${path}`];
    const answer = route
      ? route(request)
      : { status: 404, body: { error: 'not_found', message: `No ${path}.` } };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200
    });
  }

  private _routes: FakeRoutes;
}
