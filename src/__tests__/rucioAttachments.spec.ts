/// <reference types="node" />
// Node is used to run the generated Python in a real interpreter.
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

import {
  assignment,
  IMetadataHolder,
  kernelLanguage,
  pathsAssignment,
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

  it('Python: a str that evaluates back to the path', () => {
    expect(assignment('f', '/mnt/a.root', 'python')).toBe('f = "/mnt/a.root"');
    // JSON string literals are valid Python literals with the same value.
    const literal = assignment('f', tricky, 'python').slice('f = '.length);
    expect(JSON.parse(literal)).toBe(tricky);
  });

  it('R: <- with a string', () => {
    expect(assignment('f', '/a', 'r')).toBe('f <- "/a"');
  });

  it('Julia: $ escaped so it is not interpolated', () => {
    expect(assignment('f', '/a/$x', 'julia')).toBe('f = "/a/\\$x"');
  });
});

describe('a collection read from its paths file', () => {
  let folder: string;
  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'vre-paths-'));
  });
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** Run `code` in a real Python, then print what `variable` holds (or the error). */
  function python(code: string, variable: string): string {
    const probe = `${code}\nimport json; print(json.dumps(${variable}))`;
    try {
      return execFileSync('python3', ['-c', probe], {
        encoding: 'utf-8',
        maxBuffer: 64 << 20
      });
    } catch (error) {
      return `error: ${(error as { stderr: string }).stderr}`;
    }
  }

  it('Python: the list of paths, no literal per path, and no variable when the count is off', () => {
    const paths = Array.from({ length: 100_000 }, (_, i) => `/mnt/${i}.root`);
    paths[7] = tricky();
    const file = path.join(folder, 'run2.paths');
    fs.writeFileSync(file, paths.map(p => `${p}\n`).join(''));
    const code = pathsAssignment(
      'run2',
      file,
      100_000,
      'user.jdoe:run2',
      'python'
    );
    expect(code.length).toBeLessThan(500); // the paths are not in the code
    expect(JSON.parse(python(code, 'run2'))).toEqual(paths);
    const short = python(
      pathsAssignment('run2', file, 100_001, 'user.jdoe:run2', 'python'),
      'run2'
    );
    expect(short).toContain(
      'RuntimeError: user.jdoe:run2: the list of its 100001 files changed'
    );
  });

  it('Python: an empty list for an empty file', () => {
    const file = path.join(folder, 'empty.paths');
    fs.writeFileSync(file, '');
    expect(
      python(pathsAssignment('none', file, 0, 's:e', 'python'), 'none')
    ).toBe('[]\n');
  });

  it('R and Julia: read the lines, check the count, assign only then', () => {
    expect(pathsAssignment('run2', '/r/a.paths', 3, 's:d', 'r')).toBe(
      'local({ paths <- readLines("/r/a.paths", encoding = "UTF-8"); ' +
        'if (length(paths) != 3) stop("s:d: the list of its 3 files changed while it was read; inject again"); ' +
        'assign("run2", paths, envir = globalenv()) })'
    );
    expect(pathsAssignment('run2', '/r/$a.paths', 3, 's:d', 'julia')).toBe(
      'run2 = let paths = readlines("/r/\\$a.paths"); length(paths) == 3 || ' +
        'error("s:d: the list of its 3 files changed while it was read; inject again"); paths end'
    );
  });
});

function tricky(): string {
  return '/mnt/a "b" $HOME\\c/é.root';
}

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
