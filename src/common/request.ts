import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import type { Schema } from './api';

/** Where every endpoint of the three server extensions lives. */
export const API_ROOT = 'vre/api';

/**
 * An error answered by a `/vre/api/...` endpoint, or a failure to reach it.
 *
 * `code` is the server's machine-readable `error` field, or one of
 * `network_error`, `extension_missing`, `invalid_response` set here.
 */
export class VREAPIError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly backend?: string,
    /** With `signin_required`: the hub's login page. */
    readonly loginUrl?: string
  ) {
    super(message);
    this.name = 'VREAPIError';
  }
}

/** The `{"error", "message"}` shape, also carried by failed tasks and token states. */
export type IErrorInfo = Schema<'ErrorBody'>;

/** Any thrown value as a `VREAPIError`, for code that shows errors to the user. */
export function asAPIError(error: unknown): VREAPIError {
  return error instanceof VREAPIError
    ? error
    : new VREAPIError(0, 'unexpected', String(error));
}

interface IErrorBody {
  error?: unknown;
  message?: unknown;
  backend?: unknown;
  login_url?: unknown;
}

/**
 * Emitted with the hub's login URL whenever any endpoint answers `signin_required`
 * (the hub cannot renew the user's IAM tokens), so every panel can say so at once.
 */
export const signinRequired = new Signal<object, string>({});

async function readJSON(response: Response): Promise<unknown> {
  const text = await response.text();
  return text.length > 0 ? JSON.parse(text) : null;
}

function errorFrom(response: Response, body: unknown): VREAPIError {
  const payload = (body ?? {}) as IErrorBody;
  if (
    typeof payload.error === 'string' &&
    typeof payload.message === 'string'
  ) {
    const backend =
      typeof payload.backend === 'string' ? payload.backend : undefined;
    const loginUrl =
      typeof payload.login_url === 'string' ? payload.login_url : undefined;
    if (payload.error === 'signin_required' && loginUrl) {
      signinRequired.emit(loginUrl);
    }
    return new VREAPIError(
      response.status,
      payload.error,
      payload.message,
      backend,
      loginUrl
    );
  }
  if (response.status === 404) {
    return new VREAPIError(
      404,
      'extension_missing',
      'The jupyterlab-vre server extension did not answer. Ask your hub admin to install and enable it (`jupyter server extension list`).'
    );
  }
  return new VREAPIError(
    response.status,
    'http_error',
    `The server answered ${response.status} ${response.statusText}.`
  );
}

/**
 * Call a `/vre/api/<endPoint>` endpoint and return its JSON answer.
 *
 * @throws VREAPIError for any non-2xx answer or network failure.
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, API_ROOT, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new VREAPIError(
      0,
      'network_error',
      `The Jupyter server could not be reached: ${(error as Error).message}`
    );
  }
  let body: unknown;
  try {
    body = await readJSON(response);
  } catch {
    body = undefined;
    if (response.ok) {
      throw new VREAPIError(
        response.status,
        'invalid_response',
        `The answer of ${endPoint} is not JSON.`
      );
    }
  }
  if (!response.ok) {
    throw errorFrom(response, body);
  }
  return body as T;
}
