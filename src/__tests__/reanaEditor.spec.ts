import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState, Text } from '@codemirror/state';
import type { JSONSchema7 } from 'json-schema';

import type { IValidationReport } from '../reana/api';
import { Checker, toDiagnostics } from '../reana/editor/diagnostics';
import {
  completeFromSchema,
  isReanaSpec,
  reanaSpecExtension
} from '../reana/editor/extension';
import { ITEM, outline } from '../reana/editor/outline';
import {
  keyInsertion,
  keySuggestions,
  valueSuggestions
} from '../reana/editor/schema';
import reanaSchema from '../reana/editor/reana_analysis_schema.json';

const schema = reanaSchema as JSONSchema7;

/** The text with `|` removed, and where it was. */
function cursor(marked: string): [string, number] {
  const at = marked.indexOf('|');
  return [marked.slice(0, at) + marked.slice(at + 1), at];
}

const SERIAL = `inputs:
  parameters:
    name: x
workflow:
  type: serial
  specification:
    steps:
      - name: greet
        environment: 'python:3.11'
        |
        commands:
          - echo hi
outputs:
  files: [out.txt]
`;

describe('where the cursor is in a half-typed reana.yaml', () => {
  it('finds the mapping, the typed word and the keys it already has, above and below', () => {
    const [text, pos] = cursor(SERIAL.replace('|', 'comp|'));
    const { place } = outline(text, pos);
    expect(place).toMatchObject({
      path: ['workflow', 'specification', 'steps', ITEM],
      kind: 'key',
      word: 'comp',
      column: 8
    });
    expect(place?.siblings.sort()).toEqual(['commands', 'environment', 'name']);
    expect(text.slice(place!.from, pos)).toBe('comp');
  });

  it('reads a new list item, a compact list and a top-level key', () => {
    const [item, at] = cursor(
      'workflow:\n  specification:\n    steps:\n      - na|'
    );
    expect(outline(item, at).place?.path).toEqual([
      'workflow',
      'specification',
      'steps',
      ITEM
    ]);
    const [compact, at2] = cursor('steps:\n- name: a\n  env|\nother: 1\n');
    expect(outline(compact, at2).place).toMatchObject({
      path: ['steps', ITEM],
      siblings: ['name']
    });
    const [top, at3] = cursor('workflow:\n  type: cwl\nout|');
    expect(outline(top, at3).place).toMatchObject({
      path: [],
      siblings: ['workflow']
    });
  });

  it("knows a value is typed after 'key: ', and reads the document's scalars", () => {
    const [text, pos] = cursor('workflow:\n  type: "ser|\n  file: a.cwl\n');
    expect(outline(text, pos).place).toBeNull(); // inside an open quote: not a word
    const [plain, at] = cursor(
      'workflow:\n  file: a.cwl # main\n  type: sn|\n'
    );
    const { place, facts } = outline(plain, at);
    expect(place).toMatchObject({
      path: ['workflow', 'type'],
      kind: 'value',
      word: 'sn'
    });
    expect(facts.scalar(['workflow', 'file'])).toBe('a.cwl');
    expect(facts.has(['workflow'])).toBe(true);
    expect(facts.has(['inputs'])).toBe(false);
  });

  it('offers nothing inside a block scalar, and again after it', () => {
    const text = 'inputs:\n  parameters:\n    text: |\n      hello wor';
    expect(outline(text, text.length).place).toBeNull();
    const after = text + '\n  fi';
    expect(outline(after, after.length).place).toMatchObject({
      path: ['inputs'],
      word: 'fi'
    });
  });
});

describe("REANA's schema at a place", () => {
  const facts = (type?: string) =>
    outline(`workflow:\n${type ? `  type: ${type}\n` : ''}`, 0).facts;

  it('gives the top-level keys not yet written', () => {
    const keys = keySuggestions(schema, [], facts('serial'), ['workflow']);
    expect(keys.map(k => k.label).sort()).toEqual([
      'inputs',
      'outputs',
      'tests',
      'version',
      'workspace'
    ]);
    expect(keys.find(k => k.label === 'inputs')).toMatchObject({
      type: 'object',
      title: 'Analysis inputs.'
    });
  });

  it("gives a serial step's keys only to serial workflows (the schema's if/then)", () => {
    const steps = ['workflow', 'specification', 'steps', ITEM];
    const serial = keySuggestions(schema, steps, facts('serial'), ['name']);
    expect(serial.map(k => k.label)).toEqual(
      expect.arrayContaining(['commands', 'environment', 'compute_backend'])
    );
    expect(serial.map(k => k.label)).not.toContain('name');
    expect(
      keySuggestions(schema, ['workflow', 'specification'], facts('cwl'), [])
    ).toEqual([]);
    expect(
      keySuggestions(schema, ['workflow', 'specification'], facts(), []).map(
        k => k.label
      )
    ).toEqual(['steps']); // no type yet: the condition holds, as in JSON Schema
  });

  it('gives the values of enumerated and boolean keys', () => {
    expect(
      valueSuggestions(schema, ['workflow', 'type'], facts()).sort()
    ).toEqual(['cwl', 'serial', 'snakemake', 'yadage']);
    const step = ['workflow', 'specification', 'steps', ITEM];
    expect(
      valueSuggestions(schema, [...step, 'compute_backend'], facts('serial'))
    ).toContain('htcondorcern');
    expect(
      valueSuggestions(schema, [...step, 'kerberos'], facts('serial'))
    ).toEqual(['true', 'false']);
    expect(valueSuggestions(schema, ['version'], facts())).toEqual([]);
  });

  it('inserts a scalar key with its colon, a mapping or list with its block', () => {
    expect(keyInsertion({ label: 'name', type: 'string' }, 8)).toBe('name: ');
    expect(keyInsertion({ label: 'inputs', type: 'object' }, 0)).toBe(
      'inputs:\n  '
    );
    expect(keyInsertion({ label: 'steps', type: 'array' }, 4)).toBe(
      'steps:\n      - '
    );
  });
});

describe('completion in a reana.yaml editor', () => {
  const complete = (
    marked: string,
    path = 'a/reana.yaml',
    explicit = false
  ) => {
    const [text, pos] = cursor(marked);
    const state = EditorState.create({ doc: text });
    return completeFromSchema(
      schema,
      () => path
    )(new CompletionContext(state, pos, explicit));
  };

  it('completes keys from where the word starts, with their titles', () => {
    const result = complete('workflow:\n  type: serial\n  spec|');
    expect(result?.from).toBe('workflow:\n  type: serial\n  '.length);
    const spec = result?.options.find(o => o.label === 'specification');
    expect(spec).toMatchObject({
      detail: 'object',
      apply: 'specification:\n    '
    });
    expect(result?.options.map(o => o.label)).not.toContain('type');
  });

  it('completes values, and keys on an empty line only when asked', () => {
    expect(
      complete('workflow:\n  type: |')?.options.map(o => o.label)
    ).toContain('snakemake');
    expect(complete('workflow:\n  |')).toBeNull();
    expect(
      complete('workflow:\n  |', 'a/reana.yaml', true)?.options.map(
        o => o.label
      )
    ).toContain('type');
  });

  it('keeps one completion source for the editor (the completion state knows it by identity)', () => {
    const state = EditorState.create({
      doc: 'workflow:\n',
      extensions: reanaSpecExtension({
        pathOf: () => 'a/reana.yaml',
        validate: () => Promise.reject(new Error('not called')),
        schema
      })
    });
    const [source] = state.languageDataAt('autocomplete', 0);
    expect(source).toBeInstanceOf(Function);
    const later = state.update({ changes: { from: 9, insert: '  t' } }).state;
    expect(later.languageDataAt('autocomplete', 12)).toEqual([source]);
  });

  it('does nothing in other files', () => {
    expect(complete('workflow:\n  spec|', 'a/config.yaml')).toBeNull();
    expect(isReanaSpec('x/reana.yml')).toBe(true);
    expect(isReanaSpec('x/my-reana.yaml')).toBe(false);
  });
});

describe("the server's verdict as diagnostics", () => {
  const doc = Text.of([
    'inputs:',
    '  files: [a]',
    'workflow:',
    '  type: serail'
  ]);

  it('underlines each message on its line, from its first character', () => {
    const [error, whole] = toDiagnostics(
      [
        { severity: 'error', line: 4, key: 'workflow.type', message: 'bad' },
        { severity: 'warning', line: null, key: null, message: 'file' }
      ],
      doc
    );
    expect(doc.sliceString(error.from, error.to)).toBe('type: serail');
    expect(error.severity).toBe('error');
    expect(whole).toMatchObject({ from: 0, to: 7, severity: 'warning' });
    const [beyond] = toDiagnostics(
      [{ severity: 'error', line: 99, key: null, message: 'x' }],
      doc
    );
    expect(doc.lineAt(beyond.from).number).toBe(4);
  });

  const report = (line: number): IValidationReport => ({
    source: 'a/reana.yaml',
    valid: false,
    workflow_type: null,
    parameters: {},
    input_files: [],
    input_directories: [],
    output_files: [],
    output_directories: [],
    operational_options: [],
    messages: [{ severity: 'error', line, key: null, message: `at ${line}` }]
  });

  it('cancels the check of an older text when a newer one starts', async () => {
    const signals: AbortSignal[] = [];
    const answers: ((r: IValidationReport) => void)[] = [];
    const checker = new Checker((_path, _text, signal) => {
      signals.push(signal);
      return new Promise(resolve => answers.push(resolve));
    });
    const first = checker.check('a/reana.yaml', doc);
    const second = checker.check('a/reana.yaml', doc);
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
    answers[0](report(2));
    answers[1](report(3));
    expect(await first).toBeNull();
    expect((await second)?.map(d => d.message)).toEqual(['at 3']);
  });

  it('says so when the check itself fails', async () => {
    const checker = new Checker(() => Promise.reject(new Error('server gone')));
    const [failed] = (await checker.check('a/reana.yaml', doc)) ?? [];
    expect(failed).toMatchObject({ severity: 'info', from: 0, to: 7 });
    expect(failed.message).toContain('server gone');
  });
});
