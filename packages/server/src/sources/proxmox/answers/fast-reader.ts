import { z } from 'zod';
import { boolish, keepReadable, listOf, nullToUndefined, num, numeric, optFlag, optNum, optText, text, textual } from './coerce.js';

/*
 * Compiled readers for the answers read every cycle. zod's runtime allocates a payload, an issues
 * array and a step per pipe for every field it reads: reading one /cluster/resources of a 500-node,
 * 2,500-guest cluster allocated ~40 MB, and z.compile() of the same schema still ~16 MB; this
 * reader ~3 MB, little more than its output (bench/proxmox-answers.mjs).
 *
 * They are derived from the zod schemas, which stay the source of truth for shapes and types: each
 * building block of coerce.ts is recognised by identity and read with the same coercion functions,
 * objects keep zod's key order and its rule for absent keys, unknown keys are stripped. A schema
 * made of anything else throws at compile time instead of being read differently. They are
 * installed with z.withParser, so the result is the same zod schema with a fast path: what the
 * reader refuses, zod decides and words, and a bad answer costs what it did before and reads the same.
 */

type Read = (value: unknown) => unknown;

interface FieldReader {
  /** returns z.INVALID where zod would report an issue */
  read: Read;
  /** omittable: an absent key stays absent in the output (zod's optin/optout "optional") */
  optional: boolean;
}

const INVALID: typeof z.INVALID = z.INVALID;

/** z.number(): NaN and ±Infinity are refused. */
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const required = (read: Read): FieldReader => ({ read, optional: false });
/** `.optional()`: undefined passes without running the inner schema (so null reaches its preprocess). */
const optional = (read: Read): FieldReader => ({ read: (v) => (v === undefined ? undefined : read(v)), optional: true });

/** Each block as its zod pipeline reads it: the preprocess function, then the inner schema's check. */
const BLOCKS = new Map<z.ZodType, FieldReader>([
  [text, required((v) => { const t = textual(v); return typeof t === 'string' ? t : INVALID; })],
  [num, required((v) => { const n = numeric(v); return isNumber(n) ? n : INVALID; })],
  [optText, optional((v) => { const t = textual(nullToUndefined(v)); return t === undefined || typeof t === 'string' ? t : INVALID; })],
  [optNum, optional((v) => { const n = numeric(nullToUndefined(v)); return n === undefined || isNumber(n) ? n : INVALID; })],
  [optFlag, optional((v) => { const b = boolish(v); return b === undefined || typeof b === 'boolean' ? b : INVALID; })],
]);

function fieldReader(schema: z.ZodType, where: string): FieldReader {
  const block = BLOCKS.get(schema);
  if (block) return block;
  if (schema instanceof z.ZodOptional) return optional(fieldReader(schema.unwrap() as z.ZodType, where).read);
  if (schema instanceof z.ZodObject) return required(objectReader(schema, where));
  if (schema instanceof z.ZodArray) return required(arrayReader(schema, where));
  throw new Error(`fast-reader: ${where} is a ${schema.def.type} schema it cannot read; use a block of coerce.ts or read this answer with zod alone`);
}

function refuseChecks(schema: z.ZodObject | z.ZodArray, where: string): void {
  if (schema.def.checks?.length) throw new Error(`fast-reader: ${where} has checks (refine, min, …) it cannot read`);
}

/**
 * Generated code, as zod's own JIT does: `out["key"] = v` is a named store, so a row stays a
 * fast-properties object; the same stores through a variable key turn a row of more than 16
 * fields into a dictionary (slower to read downstream and larger while it is held).
 */
function objectReader(schema: z.ZodObject, where: string): Read {
  refuseChecks(schema, where);
  if (schema.def.catchall !== undefined) throw new Error(`fast-reader: ${where} is not a stripping object (strict, loose or catchall)`);
  // zod never writes __proto__ into its output
  const keys = Object.keys(schema.shape).filter((key) => key !== '__proto__');
  const fields = keys.map((key) => fieldReader(schema.shape[key] as z.ZodType, `${where}.${key}`));
  const steps = keys.map((key, i) => {
    const k = JSON.stringify(key);
    const step = `v = r${i}(input[${k}]); if (v === INVALID) return INVALID; out[${k}] = v;`;
    // zod: an absent omittable key stays absent; a present one keeps its key even when it reads as undefined (null)
    return fields[i]!.optional ? `if (${k} in input) { ${step} }` : step;
  });
  const source = `return function read(input) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return INVALID;
    const out = {};
    let v;
    ${steps.join('\n    ')}
    return out;
  };`;
  const factory = new Function('INVALID', ...keys.map((_, i) => `r${i}`), source) as (...args: unknown[]) => Read;
  return factory(INVALID, ...fields.map((f) => f.read));
}

function arrayReader(schema: z.ZodArray, where: string): Read {
  refuseChecks(schema, where);
  const item = fieldReader(schema.element as z.ZodType, `${where}[]`).read;
  return (input) => {
    if (!Array.isArray(input)) return INVALID;
    const out: unknown[] = [];
    for (let i = 0; i < input.length; i++) {
      const v = item(input[i]);
      if (v === INVALID) return INVALID;
      out.push(v);
    }
    return out;
  };
}

/** The compiled reader of an object schema alone: its output, or z.INVALID where zod would fail. */
export function compileReader<S extends z.ZodObject>(schema: S): (input: unknown) => z.output<S> | typeof z.INVALID {
  return objectReader(schema, 'answer') as (input: unknown) => z.output<S> | typeof z.INVALID;
}

/** `schema` with its compiled reader in front: the same zod schema, output and errors. */
export function compiled<S extends z.ZodObject>(schema: S): S {
  return z.withParser(schema, compileReader(schema));
}

/**
 * listOf(item) with the item's compiled reader in front. A bad entry is left out and explained by
 * zod exactly as listOf does, without sending the rest of the list back through zod.
 */
export function compiledListOf<S extends z.ZodObject>(item: S) {
  const read = compileReader(item);
  return z.withParser(listOf(item), (input) => {
    if (input === null) return [];
    if (!Array.isArray(input)) return INVALID;
    return keepReadable(input, item, read);
  });
}
