import { IAttachment } from './service';

/**
 * Where a notebook keeps its attachments: `metadata.vre.rucio_attachments`,
 * a list of `{instance, did, variable}` — DIDs only, never paths or tokens,
 * so the notebook resolves on any hub, whatever its mount path.
 */
export const METADATA_KEY = 'vre';
export const ATTACHMENTS_KEY = 'rucio_attachments';
/** rucio-jupyterlab's key: `[{did, variableName, type}]`, read for migrated notebooks. */
export const LEGACY_KEY = 'rucio_attachments';

/** Same rule as the server's: an ASCII identifier of at most 64 characters. */
const SERVER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del ' +
    'elif else except finally for from global if import in is lambda nonlocal ' +
    'not or pass raise return try while with yield'
  ).split(' ')
);

const R_RESERVED = new Set(
  (
    'if else repeat while function for next break TRUE FALSE NULL Inf NaN NA ' +
    'NA_integer_ NA_real_ NA_character_ NA_complex_ in'
  ).split(' ')
);

const JULIA_KEYWORDS = new Set(
  (
    'baremodule begin break catch const continue do else elseif end export ' +
    'false finally for function global if import let local macro module quote ' +
    'return struct true try using while'
  ).split(' ')
);

/** A kernel language whose assignments we can write. */
export type KernelLanguage = 'python' | 'r' | 'julia';

/** The language of a kernel from its `language_info.name` (or spec language). */
export function kernelLanguage(
  name: string | undefined
): KernelLanguage | null {
  const lower = (name ?? '').toLowerCase();
  if (lower === 'python' || lower === 'python3' || lower === 'ipython') {
    return 'python';
  }
  if (lower === 'r') {
    return 'r';
  }
  if (lower === 'julia') {
    return 'julia';
  }
  return null;
}

/**
 * Why `variable` cannot name a variable in `language`, or null when it can.
 * Messages are English source strings, for `trans.__` at the caller.
 */
export function variableProblem(
  variable: string,
  language: KernelLanguage | null
): string | null {
  if (!SERVER_PATTERN.test(variable)) {
    return 'Use letters, digits and _ only, not starting with a digit (at most 64 characters).';
  }
  switch (language) {
    case 'python':
      return PYTHON_KEYWORDS.has(variable) ? 'This is a Python keyword.' : null;
    case 'r':
      if (variable.startsWith('_')) {
        return 'R names cannot start with _.';
      }
      return R_RESERVED.has(variable) ? 'This is a reserved word in R.' : null;
    case 'julia':
      return JULIA_KEYWORDS.has(variable) ? 'This is a Julia keyword.' : null;
    default:
      return null;
  }
}

/** A string literal valid in all three languages (JSON's, with `$` escaped for Julia). */
function literal(text: string, language: KernelLanguage): string {
  const json = JSON.stringify(text);
  return language === 'julia' ? json.replace(/\$/g, '\\$') : json;
}

/** The statement that assigns a file's path to `variable` in the kernel's language. */
export function assignment(
  variable: string,
  value: string,
  language: KernelLanguage
): string {
  const text = literal(value, language);
  return language === 'r' ? `${variable} <- ${text}` : `${variable} = ${text}`;
}

/**
 * The statement that reads a collection's paths into `variable`: the server
 * wrote them to `pathsFile`, one per line, so no path is pasted as code (a
 * million literals would not do). The variable is set only when the file
 * holds `count` paths; otherwise the kernel raises an error naming the DID.
 */
export function pathsAssignment(
  variable: string,
  pathsFile: string,
  count: number,
  did: string,
  language: KernelLanguage
): string {
  const file = literal(pathsFile, language);
  const problem = literal(
    `${did}: the list of its ${count} files changed while it was read; inject again`,
    language
  );
  switch (language) {
    case 'python':
      return (
        `${variable} = __import__("pathlib").Path(${file}).read_text(encoding="utf-8").splitlines()\n` +
        `if len(${variable}) != ${count}: del ${variable}; raise RuntimeError(${problem})`
      );
    case 'r':
      return (
        `local({ paths <- readLines(${file}, encoding = "UTF-8"); ` +
        `if (length(paths) != ${count}) stop(${problem}); ` +
        `assign(${literal(variable, language)}, paths, envir = globalenv()) })`
      );
    case 'julia':
      return (
        `${variable} = let paths = readlines(${file}); ` +
        `length(paths) == ${count} || error(${problem}); paths end`
      );
  }
}

/** The minimal notebook-metadata surface we use (a notebook model's `getMetadata`/`setMetadata`). */
export interface IMetadataHolder {
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  deleteMetadata(key: string): void;
}

function isAttachment(value: unknown): value is IAttachment {
  const item = value as Partial<IAttachment> | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof item.instance === 'string' &&
    typeof item.did === 'string' &&
    typeof item.variable === 'string'
  );
}

interface ILegacyAttachment {
  did: string;
  variableName: string;
}

function isLegacy(value: unknown): value is ILegacyAttachment {
  const item = value as Partial<ILegacyAttachment> | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof item.did === 'string' &&
    typeof item.variableName === 'string'
  );
}

/**
 * A notebook's attachments: ours, then rucio-jupyterlab's (with the default
 * instance, since it stored none) for variables not already taken.
 */
export function readAttachments(
  metadata: IMetadataHolder,
  defaultInstance: string | null
): IAttachment[] {
  const vre = metadata.getMetadata(METADATA_KEY) as
    Record<string, unknown> | undefined;
  const stored = vre?.[ATTACHMENTS_KEY];
  const ours = Array.isArray(stored) ? stored.filter(isAttachment) : [];
  const legacy = metadata.getMetadata(LEGACY_KEY);
  if (!Array.isArray(legacy) || defaultInstance === null) {
    return ours.map(({ instance, did, variable }) => ({
      instance,
      did,
      variable
    }));
  }
  const taken = new Set(ours.map(a => a.variable));
  const migrated = legacy
    .filter(isLegacy)
    .filter(item => !taken.has(item.variableName))
    .map(item => ({
      instance: defaultInstance,
      did: item.did,
      variable: item.variableName
    }));
  return [...ours, ...migrated].map(({ instance, did, variable }) => ({
    instance,
    did,
    variable
  }));
}

/**
 * Store a notebook's attachments under our key. rucio-jupyterlab's entries,
 * once read, are kept in ours, so its key is removed to avoid duplicates.
 */
export function writeAttachments(
  metadata: IMetadataHolder,
  attachments: IAttachment[]
): void {
  const vre = (metadata.getMetadata(METADATA_KEY) ?? {}) as Record<
    string,
    unknown
  >;
  const clean = attachments.map(({ instance, did, variable }) => ({
    instance,
    did,
    variable
  }));
  metadata.setMetadata(METADATA_KEY, { ...vre, [ATTACHMENTS_KEY]: clean });
  if (metadata.getMetadata(LEGACY_KEY) !== undefined) {
    metadata.deleteMetadata(LEGACY_KEY);
  }
}

/** A variable name not yet used, from a DID's name: `run2.root` → `run2_root`. */
export function suggestVariable(did: string, taken: Iterable<string>): string {
  const name = did.split(':').pop() ?? did;
  let base = name
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9_]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  if (!/^[A-Za-z]/.test(base)) {
    base = `data_${base}`.replace(/_+$/, '');
  }
  const used = new Set(taken);
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) {
    candidate = `${base}_${n}`;
  }
  return candidate;
}
