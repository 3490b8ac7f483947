/** Per-series state kept by series number in typed arrays: one array per field, not one object per series. */
type Column = Int32Array | Float64Array | Uint8Array;

/**
 * `column`, or a copy grown by a quarter, with room for index `n`. Not doubled: a column of 50,000
 * series just past a doubling would leave nearly half of it unused, and the copies are rare (new series).
 */
export function fit<T extends Column>(column: T, n: number): T {
  if (n < column.length) return column;
  const grown = new (column.constructor as new (length: number) => T)(Math.max(n + 1, Math.ceil(column.length * 1.25), 64));
  grown.set(column);
  return grown;
}
