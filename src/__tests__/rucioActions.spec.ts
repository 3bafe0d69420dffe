import { nullTranslator } from '@jupyterlab/translation';

import { usageCode, webUIUrl } from '../rucio/actions';
import { variableMeaning } from '../rucio/AttachDialog';
import { keyLabel, valueText } from '../rucio/MetadataList';
import { commonFolder } from '../rucio/RucioView';
import { IInstanceInfo } from '../rucio/service';

const trans = nullTranslator.load('jupyterlab_vre');

const instance = (webui_url: string) =>
  ({ name: 'i', webui_url }) as unknown as IInstanceInfo;

describe('Rucio panel helpers', () => {
  it('links a DID and a rule to the web UI only when one is configured', () => {
    expect(webUIUrl(instance(''), { did: 's:n' })).toBeNull();
    expect(
      webUIUrl(instance('https://rucio-ui.example/'), { did: 'user.jdoe:a/b' })
    ).toBe('https://rucio-ui.example/did/page/user.jdoe/a%2Fb');
    expect(
      webUIUrl(instance('https://rucio-ui.example'), { rule: 'abc' })
    ).toBe('https://rucio-ui.example/rule/page/abc');
  });

  it('writes a cell that uses the variable, in the kernel language', () => {
    expect(usageCode('events', 's:d', true, 'python')).toContain(
      'for path in events:'
    );
    expect(usageCode('events', 's:f', false, 'python')).toContain(
      'os.path.getsize(events)'
    );
    expect(usageCode('events', 's:d', true, 'r')).toContain(
      'file.info(events)'
    );
    expect(usageCode('events', 's:d', true, 'julia')).toContain(
      'for path in events'
    );
  });

  it('says what the variable holds', () => {
    expect(
      variableMeaning({
        isCollection: true,
        files: 3,
        language: 'python',
        trans
      })
    ).toBe('a list of local paths (3 paths), sorted');
    expect(
      variableMeaning({
        isCollection: false,
        files: null,
        language: 'python',
        trans
      })
    ).toBe('a string: the local path of the file');
    expect(
      variableMeaning({ isCollection: true, files: 2, language: 'r', trans })
    ).toContain('character vector');
  });

  it('shows metadata in words', () => {
    expect(keyLabel('run_number')).toBe('Run number');
    expect(valueText('bytes', 612100, trans)).toMatch(/612.1\s?kB/);
    expect(valueText('is_open', false, trans)).toBe('no');
  });

  it('finds the folder that holds a collection on the mount', () => {
    expect(
      commonFolder(['/mnt/rse/s/ab/cd/f1.root', '/mnt/rse/s/ef/01/f2.root'])
    ).toBe('/mnt/rse/s');
    expect(commonFolder(['/mnt/rse/s/ab/f1.root'])).toBe('/mnt/rse/s/ab');
  });
});
