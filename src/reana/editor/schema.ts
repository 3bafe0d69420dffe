/**
 * What REANA's own reana.yaml schema (reana-commons' reana_analysis_schema.json, a copy
 * of which is next to this file) allows at a place of the document: its keys, with their
 * titles, and the values of enumerated or boolean keys.
 */
import type { JSONSchema7, JSONSchema7Definition } from 'json-schema';

import { IFacts, ITEM } from './outline';

export interface IKeySuggestion {
  label: string;
  /** The JSON type, and what the schema calls the key. */
  type?: string;
  title?: string;
  description?: string;
  /** For lists: the type of their items. */
  itemType?: string;
}

function isSchema(
  value: JSONSchema7Definition | undefined
): value is JSONSchema7 {
  return typeof value === 'object' && value !== null;
}

function typeName(schema: JSONSchema7): string | undefined {
  return Array.isArray(schema.type) ? schema.type[0] : schema.type;
}

/** Resolves `#/...` references inside the schema. */
function deref(root: JSONSchema7, schema: JSONSchema7): JSONSchema7 {
  let current = schema;
  for (let hops = 0; current.$ref?.startsWith('#') && hops < 20; hops++) {
    let target: unknown = root;
    for (const part of current.$ref.slice(1).split('/').filter(Boolean)) {
      target = (target as Record<string, unknown> | undefined)?.[
        decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')
      ];
    }
    if (!isSchema(target as JSONSchema7Definition)) {
      break;
    }
    current = target as JSONSchema7;
  }
  return current;
}

/**
 * Whether the document, as far as it is written, satisfies `condition` at `at` (JSON
 * Schema's semantics for the keywords conditions use: `properties` applies only to keys
 * that are present, `required`, `const`, `enum`); other keywords are not checked.
 */
function holds(
  root: JSONSchema7,
  condition: JSONSchema7Definition,
  facts: IFacts,
  at: string[]
): boolean {
  if (!isSchema(condition)) {
    return condition;
  }
  const schema = deref(root, condition);
  const scalar = facts.scalar(at);
  if (schema.const !== undefined && scalar !== String(schema.const)) {
    return false;
  }
  if (schema.enum && !schema.enum.map(String).includes(scalar ?? '\0')) {
    return false;
  }
  if (schema.required?.some(key => !facts.has([...at, key]))) {
    return false;
  }
  return Object.entries(schema.properties ?? {}).every(
    ([key, sub]) =>
      !facts.has([...at, key]) || holds(root, sub, facts, [...at, key])
  );
}

/** The schema and the sub-schemas that apply with it here (allOf/anyOf/oneOf, if/then/else). */
function applicable(
  root: JSONSchema7,
  definition: JSONSchema7Definition,
  facts: IFacts,
  at: string[]
): JSONSchema7[] {
  if (!isSchema(definition)) {
    return [];
  }
  const schema = deref(root, definition);
  const found = [schema];
  for (const sub of [
    ...(schema.allOf ?? []),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? [])
  ]) {
    found.push(...applicable(root, sub, facts, at));
  }
  if (schema.if !== undefined) {
    const branch = holds(root, schema.if, facts, at)
      ? schema.then
      : schema.else;
    if (branch !== undefined) {
      found.push(...applicable(root, branch, facts, at));
    }
  }
  return found;
}

function child(
  schema: JSONSchema7,
  part: string
): JSONSchema7Definition | undefined {
  if (part === ITEM) {
    return Array.isArray(schema.items) ? undefined : schema.items;
  }
  return schema.properties?.[part] ?? schema.additionalProperties;
}

/** The schemas that describe the value at `path`. */
export function schemasAt(
  root: JSONSchema7,
  path: string[],
  facts: IFacts
): JSONSchema7[] {
  let here = applicable(root, root, facts, []);
  const at: string[] = [];
  for (const part of path) {
    at.push(part);
    here = here.flatMap(schema => {
      const next = child(schema, part);
      return next === undefined ? [] : applicable(root, next, facts, [...at]);
    });
  }
  return here;
}

/** The keys the schema allows in the mapping at `path`, those already there left out. */
export function keySuggestions(
  root: JSONSchema7,
  path: string[],
  facts: IFacts,
  present: string[]
): IKeySuggestion[] {
  const found = new Map<string, IKeySuggestion>();
  for (const schema of schemasAt(root, path, facts)) {
    for (const [label, definition] of Object.entries(schema.properties ?? {})) {
      if (present.includes(label) || !isSchema(definition)) {
        continue;
      }
      const property = deref(root, definition);
      const known = found.get(label) ?? { label };
      const items = isSchema(property.items as JSONSchema7Definition)
        ? deref(root, property.items as JSONSchema7)
        : undefined;
      found.set(label, {
        ...known,
        type: known.type ?? typeName(property),
        title: known.title ?? property.title,
        description: known.description ?? property.description,
        itemType: known.itemType ?? (items ? typeName(items) : undefined)
      });
    }
  }
  return [...found.values()];
}

/** The values the schema allows for the key at `path`, when it names them (enum, const, boolean). */
export function valueSuggestions(
  root: JSONSchema7,
  path: string[],
  facts: IFacts
): string[] {
  const values: string[] = [];
  for (const schema of schemasAt(root, path, facts)) {
    for (const value of [
      ...(schema.enum ?? []),
      ...(schema.const !== undefined ? [schema.const] : []),
      ...(typeName(schema) === 'boolean' ? [true, false] : [])
    ]) {
      if (!values.includes(String(value))) {
        values.push(String(value));
      }
    }
  }
  return values;
}

/** What accepting a key inserts: `key: ` for a scalar, the start of its block for a mapping or list. */
export function keyInsertion(key: IKeySuggestion, column: number): string {
  const indent = ' '.repeat(column + 2);
  if (key.type === 'object') {
    return `${key.label}:\n${indent}`;
  }
  if (key.type === 'array') {
    return `${key.label}:\n${indent}- `;
  }
  return `${key.label}: `;
}
