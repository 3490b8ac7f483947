import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { JsonPathAssertion } from '@pulse/protocol';
import { CheckFailure } from './check-failure.js';

/** "200-299", "2xx", "301" */
export function isStatusAccepted(status: number, accepted: readonly string[]): boolean {
  return accepted.some((range) => {
    const family = /^([1-5])xx$/.exec(range);
    if (family) return Math.floor(status / 100) === Number(family[1]);
    const [low = NaN, high = low] = range.split('-').map(Number);
    return status >= low && status <= high;
  });
}

const decoders = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
} as const;

/**
 * Undoes Content-Encoding with the same byte bound as the raw body (a 1 kB gzip bomb must not
 * become 1 GB in memory). `truncated` input is decoded as far as it goes. Returns `undefined` when
 * the decoded body passes the bound.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxBytes: number, truncated: boolean): Promise<Buffer | undefined> {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (!encoding || encoding === 'identity' || raw.length === 0) return raw;
  const decode = decoders[encoding as keyof typeof decoders];
  if (!decode) throw new CheckFailure('http.body_invalid', `the body uses Content-Encoding ${encoding}, which the check cannot read`, 'assert');
  const isBrotli = encoding === 'br';
  const flush = truncated ? { finishFlush: isBrotli ? zlib.constants.BROTLI_OPERATION_FLUSH : zlib.constants.Z_SYNC_FLUSH } : {};
  try {
    return await decode(raw, { maxOutputLength: Math.max(1, maxBytes), ...flush });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw new CheckFailure('http.body_invalid', `the ${encoding} body could not be decoded: ${(error as Error).message}`, 'assert');
  }
}

export function keywordFailure(body: string, keyword: { value: string; invert: boolean; caseSensitive: boolean }): CheckFailure | undefined {
  const haystack = keyword.caseSensitive ? body : body.toLowerCase();
  const needle = keyword.caseSensitive ? keyword.value : keyword.value.toLowerCase();
  const found = haystack.includes(needle);
  if (!keyword.invert && !found) return new CheckFailure('http.keyword', `the body does not contain "${keyword.value}"`, 'assert');
  if (keyword.invert && found) return new CheckFailure('http.keyword_present', `the body contains "${keyword.value}", which it must not`, 'assert');
  return undefined;
}

/** `a.b[0].c`, `$.items.length`, `['odd key']`: the value there, or `undefined` when it is not there. */
export function readJsonPath(root: unknown, path: string): unknown {
  const steps: (string | number)[] = [];
  const pattern = /\.?([^.[\]]+)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/g;
  let match: RegExpExecArray | null;
  const trimmed = path.trim().replace(/^\$\.?/, '');
  while ((match = pattern.exec(trimmed)) !== null) {
    steps.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (match[3] ?? '')));
  }
  let value: unknown = root;
  for (const step of steps) {
    if (value === null || value === undefined) return undefined;
    if (step === 'length' && (typeof value === 'string' || Array.isArray(value))) value = value.length;
    else if (typeof step === 'number') value = Array.isArray(value) ? value[step] : undefined;
    else value = typeof value === 'object' && Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : undefined;
  }
  return value;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const numeric = (value: unknown): unknown => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value);

/** Numbers compare as numbers (a numeric string counts), the rest as text: `"200" == 200`, `true == "true"`. */
function equals(actual: unknown, expected: unknown): boolean {
  const a = numeric(actual);
  const b = numeric(expected);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return asText(actual) === asText(expected);
}

function holds(actual: unknown, assertion: JsonPathAssertion): boolean {
  const { op, value } = assertion;
  switch (op) {
    case 'exists':
      return value === false ? actual === undefined : actual !== undefined;
    case '==':
      return actual !== undefined && equals(actual, value ?? null);
    case '!=':
      return actual === undefined || !equals(actual, value ?? null);
    case 'contains':
      if (Array.isArray(actual)) return actual.some((item) => equals(item, value ?? null));
      return typeof actual === 'string' && actual.includes(asText(value ?? ''));
    default: {
      const a = Number(actual);
      const b = Number(value);
      if (actual === null || actual === undefined || typeof actual === 'boolean' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

/** The first failing assertion, or `json.invalid` when the body is not JSON at all. */
export function jsonFailure(body: string, assertions: readonly JsonPathAssertion[]): CheckFailure | undefined {
  if (assertions.length === 0) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    return new CheckFailure('json.invalid', `the body is not JSON (${(error as Error).message}), so the JSON assertions cannot run`, 'assert');
  }
  for (const assertion of assertions) {
    const actual = readJsonPath(root, assertion.path);
    if (!holds(actual, assertion)) {
      const shown = actual === undefined ? 'nothing' : asText(actual).slice(0, 200);
      const expected = assertion.op === 'exists' ? (assertion.value === false ? 'to be absent' : 'to exist') : `${assertion.op} ${asText(assertion.value ?? null)}`;
      return new CheckFailure('json.assertion', `${assertion.path} is ${shown}; expected ${expected}`, 'assert');
    }
  }
  return undefined;
}
