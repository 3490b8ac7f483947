/*
 * Tolerant readers for the open parts of the wire types (a resource's `details` is `unknown` per
 * key, and any source may omit or misshape any part): each answers undefined for what it cannot read.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finite number, else undefined. */
export const readNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A non-empty string, else undefined. */
export const readString = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The objects of an array, skipping anything else; empty for a non-array. */
export const readObjects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
