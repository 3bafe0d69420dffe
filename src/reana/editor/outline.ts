/**
 * Where the cursor is in a reana.yaml, read from indentation alone: the mapping it is in
 * (a path of keys, `ITEM` for a list item), whether a key or a value is being typed, and
 * the keys that mapping already has. It works on half-typed text, where a YAML parser
 * gives up, which is what the editor holds while the user types.
 */

/** A list item in a path: `steps[]` is `['steps', ITEM]`. */
export const ITEM = '[]';

export interface IPlace {
  /** Keys from the top: of the mapping (`kind: 'key'`) or of the key whose value is typed. */
  path: string[];
  kind: 'key' | 'value';
  /** Where the word being typed starts (a completion replaces it), and the word. */
  from: number;
  word: string;
  /** The column of the key, to indent what a completion inserts under it. */
  column: number;
  /** Keys the same mapping has already, above or below the cursor. */
  siblings: string[];
}

/** What the document says so far: scalar values and which keys hold a mapping or list. */
export interface IFacts {
  scalar(path: string[]): string | undefined;
  has(path: string[]): boolean;
}

export interface IOutline {
  place: IPlace | null;
  facts: IFacts;
}

interface IFrame {
  column: number;
  kind: 'root' | 'key' | 'item';
  path: string[];
  id: number;
}

interface ILine {
  /** Column of a `- ` item marker. */
  dash?: number;
  /** Column and name of a `key:`. */
  column?: number;
  key?: string;
  /** The value after `key:` or `- `, without a trailing comment. */
  value: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s#:'"[\]{},][^:#]*?)\s*:(?=\s|$)/;
const BLOCK_SCALAR = /^[|>][-+0-9]*$/;

function unquote(key: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(key);
  return quoted ? quoted[2] : key;
}

function withoutComment(value: string): string {
  const comment = /(^|\s)#/.exec(value);
  return (comment ? value.slice(0, comment.index) : value).trim();
}

function parseLine(text: string): ILine | null {
  let column = text.length - text.trimStart().length;
  let rest = text.slice(column);
  if (rest === '' || rest.startsWith('#')) {
    return null;
  }
  const line: ILine = { value: '' };
  const dash = /^-(\s+|$)/.exec(rest);
  if (dash) {
    line.dash = column;
    column += dash[0].length;
    rest = rest.slice(dash[0].length);
  }
  const key = KEY.exec(rest);
  if (key) {
    line.column = column;
    line.key = unquote(key[1].trim());
    rest = rest.slice(key[0].length);
  }
  line.value = withoutComment(rest);
  return line;
}

const pathKey = (path: string[]): string => JSON.stringify(path);

/** Follows the block structure line by line, as a stack of open mappings and items. */
class Walker {
  readonly scalars = new Map<string, string>();
  readonly containers = new Set<string>();
  /** Keys by the id of the mapping (frame) they are in. */
  readonly keysOf = new Map<number, string[]>();
  private frames: IFrame[] = [{ column: -1, kind: 'root', path: [], id: 0 }];
  private nextId = 1;
  /** The column a block scalar (`key: |`) is deeper than, while inside one. */
  private blockColumn: number | null = null;

  get top(): IFrame {
    return this.frames[this.frames.length - 1];
  }

  /** Whether a line is still text of a block scalar (blank lines are, whatever their indent). */
  inBlockScalar(text: string, blank = text.trim() === ''): boolean {
    if (this.blockColumn === null) {
      return false;
    }
    const indent = text.length - text.trimStart().length;
    if (blank || indent > this.blockColumn) {
      return true;
    }
    this.blockColumn = null;
    return false;
  }

  /** A `- ` at `column`: a new item of the list that the nearest open key holds. */
  item(column: number): IFrame {
    while (
      this.top.column > column ||
      (this.top.column === column && this.top.kind === 'item')
    ) {
      this.frames.pop();
    }
    const frame: IFrame = {
      column,
      kind: 'item',
      path: [...this.top.path, ITEM],
      id: this.nextId++
    };
    this.containers.add(pathKey(frame.path));
    this.frames.push(frame);
    return frame;
  }

  /** The mapping a key at `column` belongs to. */
  parentAt(column: number): IFrame {
    while (this.top.column >= column) {
      this.frames.pop();
    }
    return this.top;
  }

  key(column: number, key: string, value: string): void {
    const parent = this.parentAt(column);
    const path = [...parent.path, key];
    this.keysOf.set(parent.id, [...(this.keysOf.get(parent.id) ?? []), key]);
    if (BLOCK_SCALAR.test(value)) {
      this.blockColumn = column;
      this.scalars.set(pathKey(path), '');
    } else if (value === '') {
      this.containers.add(pathKey(path));
      this.frames.push({ column, kind: 'key', path, id: this.nextId++ });
    } else if (!this.scalars.has(pathKey(path))) {
      this.scalars.set(pathKey(path), unquote(value));
    }
  }

  line(text: string): void {
    if (this.inBlockScalar(text)) {
      return;
    }
    const line = parseLine(text);
    if (!line) {
      return;
    }
    if (line.dash !== undefined) {
      const item = this.item(line.dash);
      if (line.key === undefined && BLOCK_SCALAR.test(line.value)) {
        this.blockColumn = item.column;
      }
    }
    if (line.key !== undefined && line.column !== undefined) {
      this.key(line.column, line.key, line.value);
    }
  }
}

// The value's word: plain characters only, so that nothing is offered inside a quote.
const VALUE_AT_CURSOR =
  /^(\s*)(-\s+)?("[^"]*"|'[^']*'|[^\s#:'"[\]{},][^:#]*?)\s*:\s+([A-Za-z0-9_.-]*)$/;
const KEY_AT_CURSOR = /^(\s*)(-\s+)?([A-Za-z0-9_.-]*)$/;

/** The outline of `text` with the cursor at offset `pos`. */
export function outline(text: string, pos: number): IOutline {
  const lines = text.split('\n');
  const walker = new Walker();
  let offset = 0;
  let place: IPlace | null = null;
  let placeFrame = -1;
  let seen = false;
  for (const text of lines) {
    const end = offset + text.length;
    if (!seen && pos >= offset && pos <= end) {
      seen = true;
      const before = text.slice(0, pos - offset);
      // The cursor's indentation says whether it has left a block scalar.
      if (!walker.inBlockScalar(before + 'x', false)) {
        const found = placeOn(walker, before, pos);
        if (found) {
          [place, placeFrame] = found;
        }
      }
      // The rest of the cursor's line still belongs to the document (e.g. `name: x` edited in the middle).
      const line = parseLine(text);
      if (line?.key !== undefined && line.column !== undefined) {
        if (place?.kind !== 'key' || text.slice(pos - offset).trim() !== '') {
          walker.key(line.column, line.key, line.value);
        }
      }
    } else {
      walker.line(text);
    }
    offset = end + 1;
  }
  if (place && placeFrame >= 0) {
    const typed = place.kind === 'key' ? place.word : undefined;
    place.siblings = (walker.keysOf.get(placeFrame) ?? []).filter(
      key => key !== typed
    );
  }
  const facts: IFacts = {
    scalar: path => walker.scalars.get(pathKey(path)),
    has: path =>
      walker.scalars.has(pathKey(path)) || walker.containers.has(pathKey(path))
  };
  return { place, facts };
}

function placeOn(
  walker: Walker,
  before: string,
  pos: number
): [IPlace, number] | null {
  const value = VALUE_AT_CURSOR.exec(before);
  if (value) {
    let column = value[1].length;
    if (value[2]) {
      walker.item(column);
      column += value[2].length;
    }
    const parent = walker.parentAt(column);
    const word = value[4];
    const key = unquote(value[3].trim());
    return [
      {
        path: [...parent.path, key],
        kind: 'value',
        from: pos - word.length,
        word,
        column,
        siblings: []
      },
      parent.id
    ];
  }
  const key = KEY_AT_CURSOR.exec(before);
  if (key) {
    let column = key[1].length;
    if (key[2]) {
      walker.item(column);
      column += key[2].length;
    }
    const parent = walker.parentAt(column);
    const word = key[3];
    return [
      {
        path: [...parent.path],
        kind: 'key',
        from: pos - word.length,
        word,
        column,
        siblings: []
      },
      parent.id
    ];
  }
  return null;
}
