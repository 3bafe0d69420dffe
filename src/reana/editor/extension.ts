/**
 * The CodeMirror 6 extension of a file editor that holds a reana.yaml: REANA's
 * validation as diagnostics on their lines (@codemirror/lint: debounced, checked on the
 * server, stale checks cancelled, never in the way of typing) and completion of keys and
 * values from REANA's schema (@codemirror/autocomplete).
 */
import {
  autocompletion,
  Completion,
  CompletionContext,
  CompletionResult
} from '@codemirror/autocomplete';
import { linter } from '@codemirror/lint';
import { EditorState, Extension } from '@codemirror/state';
import { ViewPlugin } from '@codemirror/view';
import { PathExt } from '@jupyterlab/coreutils';
import type { JSONSchema7 } from 'json-schema';

import { Checker, Validate } from './diagnostics';
import { outline } from './outline';
import { keyInsertion, keySuggestions, valueSuggestions } from './schema';

/** The names REANA looks for (reana-client's default, and its short form). */
export const REANA_SPEC_NAMES = ['reana.yaml', 'reana.yml'];

/** Milliseconds of quiet typing before the text is checked. */
export const LINT_DELAY = 600;

export function isReanaSpec(path: string | undefined): path is string {
  return !!path && REANA_SPEC_NAMES.includes(PathExt.basename(path));
}

export interface IReanaSpecOptions {
  /** The editor's file, read at each check (the file may be renamed while open). */
  pathOf: () => string | undefined;
  validate: Validate;
  schema: JSONSchema7;
}

/** The completion source: keys at a key's place, the allowed values after `key: `. */
export function completeFromSchema(
  schema: JSONSchema7,
  pathOf: () => string | undefined
) {
  return (context: CompletionContext): CompletionResult | null => {
    if (!isReanaSpec(pathOf())) {
      return null;
    }
    const { place, facts } = outline(context.state.doc.toString(), context.pos);
    // An empty new line offers keys only when asked (Ctrl+Space), not at every Enter.
    if (!place || (place.kind === 'key' && !place.word && !context.explicit)) {
      return null;
    }
    const options: Completion[] =
      place.kind === 'key'
        ? keySuggestions(schema, place.path, facts, place.siblings).map(
            key => ({
              label: key.label,
              type: 'property',
              detail: key.type,
              info: [key.title, key.description].filter(Boolean).join('\n'),
              apply: keyInsertion(key, place.column)
            })
          )
        : valueSuggestions(schema, place.path, facts).map(value => ({
            label: value,
            type: 'enum'
          }));
    return options.length
      ? { from: place.from, options, validFor: /^[\w.-]*$/ }
      : null;
  };
}

export function reanaSpecExtension(options: IReanaSpecOptions): Extension {
  const checker = new Checker(options.validate);
  // One source for the editor's life: the completion state knows a source by its identity.
  const complete = completeFromSchema(options.schema, options.pathOf);
  return [
    linter(
      async view => {
        const path = options.pathOf();
        if (!isReanaSpec(path)) {
          return [];
        }
        // null: a newer text is being checked; the linter drops answers for old texts.
        return (await checker.check(path, view.state.doc)) ?? [];
      },
      { delay: LINT_DELAY }
    ),
    autocompletion(),
    EditorState.languageData.of(() => [{ autocomplete: complete }]),
    ViewPlugin.define(() => ({ destroy: () => checker.dispose() }))
  ];
}
