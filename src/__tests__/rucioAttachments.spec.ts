import {
  assignment,
  IMetadataHolder,
  kernelLanguage,
  readAttachments,
  suggestVariable,
  variableProblem,
  writeAttachments
} from '../rucio/attachments';

class Metadata implements IMetadataHolder {
  constructor(public data: Record<string, unknown> = {}) {}
  getMetadata(key: string): unknown {
    return this.data[key];
  }
  setMetadata(key: string, value: unknown): void {
    this.data[key] = value;
  }
  deleteMetadata(key: string): void {
    delete this.data[key];
  }
}

describe('variable names', () => {
  it('follow the kernel language', () => {
    expect(variableProblem('events', 'python')).toBeNull();
    expect(variableProblem('lambda', 'python')).toBe(
      'This is a Python keyword.'
    );
    expect(variableProblem('_x', 'python')).toBeNull();
    expect(variableProblem('_x', 'r')).toBe('R names cannot start with _.');
    expect(variableProblem('TRUE', 'r')).toBe('This is a reserved word in R.');
    expect(variableProblem('end', 'julia')).toBe('This is a Julia keyword.');
    expect(variableProblem('run.2', 'r')).not.toBeNull(); // the server's rule: no dots
    expect(variableProblem('2runs', 'python')).not.toBeNull();
    expect(variableProblem('a'.repeat(65), 'python')).not.toBeNull();
    expect(variableProblem('événements', null)).not.toBeNull();
  });

  it('are known for Python, R and Julia kernels only', () => {
    expect(kernelLanguage('python')).toBe('python');
    expect(kernelLanguage('R')).toBe('r');
    expect(kernelLanguage('julia')).toBe('julia');
    expect(kernelLanguage('scala')).toBeNull();
    expect(kernelLanguage(undefined)).toBeNull();
  });

  it('are suggested from the DID name, avoiding those taken', () => {
    expect(suggestVariable('user.jdoe:run2.root', [])).toBe('run2_root');
    expect(suggestVariable('cta:2019-data', [])).toBe('data_2019_data');
    expect(suggestVariable('user.jdoe:run2.root', ['run2_root'])).toBe(
      'run2_root_2'
    );
  });
});

describe('assignments in the kernel language', () => {
  const tricky = '/mnt/a "b" $HOME\\c/é.root';

  it('Python: a str or a list of str that evaluate back to the paths', () => {
    expect(assignment('f', '/mnt/a.root', 'python')).toBe('f = "/mnt/a.root"');
    expect(assignment('fs', ['/a', '/b'], 'python')).toBe('fs = ["/a", "/b"]');
    expect(assignment('fs', [], 'python')).toBe('fs = []');
    // JSON string literals are valid Python literals with the same value.
    const literal = assignment('f', tricky, 'python').slice('f = '.length);
    expect(JSON.parse(literal)).toBe(tricky);
  });

  it('R: <- with a character vector', () => {
    expect(assignment('f', '/a', 'r')).toBe('f <- "/a"');
    expect(assignment('fs', ['/a', '/b'], 'r')).toBe('fs <- c("/a", "/b")');
    expect(assignment('fs', [], 'r')).toBe('fs <- character(0)');
  });

  it('Julia: $ escaped so it is not interpolated', () => {
    expect(assignment('f', '/a/$x', 'julia')).toBe('f = "/a/\\$x"');
    expect(assignment('fs', [], 'julia')).toBe('fs = String[]');
  });
});

describe('attachments in notebook metadata', () => {
  it('are stored as DIDs under vre.rucio_attachments, keeping other vre keys', () => {
    const metadata = new Metadata({ vre: { other: 1 } });
    writeAttachments(metadata, [
      { instance: 'i', did: 's:n', variable: 'v', path: '/x' } as never
    ]);
    expect(metadata.data).toEqual({
      vre: {
        other: 1,
        rucio_attachments: [{ instance: 'i', did: 's:n', variable: 'v' }]
      }
    });
    expect(readAttachments(metadata, null)).toEqual([
      { instance: 'i', did: 's:n', variable: 'v' }
    ]);
  });

  it('read rucio-jupyterlab attachments with the default instance, then migrate them', () => {
    const metadata = new Metadata({
      vre: {
        rucio_attachments: [{ instance: 'a', did: 's:1', variable: 'x' }]
      },
      rucio_attachments: [
        { did: 's:2', variableName: 'y', type: 'file' },
        { did: 's:3', variableName: 'x', type: 'dataset' },
        { broken: true }
      ]
    });
    const read = readAttachments(metadata, 'escape');
    expect(read).toEqual([
      { instance: 'a', did: 's:1', variable: 'x' },
      { instance: 'escape', did: 's:2', variable: 'y' }
    ]);
    writeAttachments(metadata, read);
    expect(metadata.data.rucio_attachments).toBeUndefined();
    expect(readAttachments(metadata, 'escape')).toEqual(read);
  });

  it('ignore malformed entries', () => {
    const metadata = new Metadata({
      vre: { rucio_attachments: [{ did: 1 }, 'x', null] }
    });
    expect(readAttachments(metadata, 'escape')).toEqual([]);
  });
});
