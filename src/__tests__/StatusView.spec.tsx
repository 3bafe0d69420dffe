import { nullTranslator } from '@jupyterlab/translation';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { IExtensionStatus } from '../common/connection';
import { VREAPIError } from '../common/request';
import { StatusView } from '../common/StatusView';

const trans = nullTranslator.load('jupyterlab_vre');

const configured: IExtensionStatus = {
  extension: 'rucio_ext',
  version: '0.1.0',
  configured: true,
  message: '2 Rucio instance(s) configured.',
  details: { instances: ['escape', 'cms'], default_instance: 'cms' }
};

describe('StatusView', () => {
  it('shows what the server extension says about itself', async () => {
    render(
      <StatusView load={() => Promise.resolve(configured)} trans={trans} />
    );
    expect(await screen.findByText('Configured')).toBeTruthy();
    expect(screen.getByText('escape, cms')).toBeTruthy();
    expect(screen.getByText('default instance')).toBeTruthy();
    expect(screen.getByText('rucio_ext 0.1.0')).toBeTruthy();
  });

  it('says "Not configured" with the server message', async () => {
    const status = {
      ...configured,
      configured: false,
      message: 'Set c.RucioExtension.instances.',
      details: { instances: [] }
    };
    render(<StatusView load={() => Promise.resolve(status)} trans={trans} />);
    expect(await screen.findByText('Not configured')).toBeTruthy();
    expect(screen.getByText('Set c.RucioExtension.instances.')).toBeTruthy();
    expect(screen.getByText('—')).toBeTruthy();
  });

  it('shows a readable error when the server part fails', async () => {
    const load = () =>
      Promise.reject(
        new VREAPIError(404, 'extension_missing', 'Ask your hub admin.')
      );
    render(<StatusView load={load} trans={trans} />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Ask your hub admin.'
    );
  });

  it('asks again on Refresh and shows the new answer', async () => {
    const load = jest
      .fn<Promise<IExtensionStatus>, []>()
      .mockRejectedValueOnce(new VREAPIError(0, 'network_error', 'Offline.'))
      .mockResolvedValueOnce(configured);
    render(<StatusView load={load} trans={trans} />);
    await screen.findByRole('alert');
    await act(async () => {
      fireEvent.click(screen.getByText('Refresh'));
    });
    expect(await screen.findByText('Configured')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
