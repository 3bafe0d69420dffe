import { ServerConnection } from '@jupyterlab/services';

import { requestAPI, VREAPIError } from '../common/request';

const settings = ServerConnection.makeSettings({
  baseUrl: 'http://hub/user/a/'
});

function answer(status: number, body: string, statusText = ''): void {
  jest
    .spyOn(ServerConnection, 'makeRequest')
    .mockResolvedValue(new Response(body, { status, statusText }));
}

async function failure(): Promise<VREAPIError> {
  try {
    await requestAPI('rucio/status', {}, settings);
  } catch (error) {
    return error as VREAPIError;
  }
  throw new Error('requestAPI did not fail');
}

afterEach(() => jest.restoreAllMocks());

describe('requestAPI', () => {
  it('calls /vre/api/<endpoint> under the base URL and returns the JSON', async () => {
    answer(200, '{"configured": true}');
    await expect(requestAPI('rucio/status', {}, settings)).resolves.toEqual({
      configured: true
    });
    expect(ServerConnection.makeRequest).toHaveBeenCalledWith(
      'http://hub/user/a/vre/api/rucio/status',
      {},
      settings
    );
  });

  it('turns the server error shape into a typed error', async () => {
    answer(
      504,
      '{"error": "backend_timeout", "message": "Rucio: no answer", "backend": "Rucio"}'
    );
    const error = await failure();
    expect(error).toBeInstanceOf(VREAPIError);
    expect(error.status).toBe(504);
    expect(error.code).toBe('backend_timeout');
    expect(error.message).toBe('Rucio: no answer');
    expect(error.backend).toBe('Rucio');
  });

  it('says the server extension is missing on a bare 404', async () => {
    answer(404, '<html>Not Found</html>', 'Not Found');
    const error = await failure();
    expect(error.code).toBe('extension_missing');
    expect(error.message).toContain('server extension');
  });

  it('reports other non-JSON failures with their status', async () => {
    answer(502, 'Bad Gateway', 'Bad Gateway');
    const error = await failure();
    expect(error.code).toBe('http_error');
    expect(error.message).toContain('502');
  });

  it('reports an unreachable server as a network error', async () => {
    jest
      .spyOn(ServerConnection, 'makeRequest')
      .mockRejectedValue(new TypeError('Failed to fetch'));
    const error = await failure();
    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });

  it('refuses a successful answer that is not JSON', async () => {
    answer(200, 'hello');
    const error = await failure();
    expect(error.code).toBe('invalid_response');
  });
});
