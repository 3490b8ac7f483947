/**
 * Scanning helpers for the /proc files read every collection. Splitting a file into lines and each
 * line into fields with a regular expression makes an array and a string per field — /proc/stat's
 * `intr` line alone has one per IRQ — and on a 1 s cadence that garbage and the regex work cost more
 * than the reads. These walk the text by index and turn digits into numbers in place.
 */

const SPACE = 32;
const TAB = 9;
const CR = 13;

export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === CR;
}

/** The first index at or after `i` (and before `end`) that is not a blank. */
export function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The index just past the field that starts at `i`. */
export function fieldEnd(text: string, i: number, end: number): number {
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The end of the line that starts at `i`: the index of its newline, or the text's length. */
export function lineEnd(text: string, i: number): number {
  const newline = text.indexOf('\n', i);
  return newline < 0 ? text.length : newline;
}

/**
 * The number in text[start, end): plain digits (every counter in these files) are read in place,
 * anything else (decimals, signs) as Number() reads it. Like toNumber(), unparsable is 0, so one odd
 * field cannot poison a sample.
 */
export function numberAt(text: string, start: number, end: number): number {
  // Past 15 digits a double may not hold the value exactly; Number() rounds it the standard way.
  if (end - start <= 15) {
    let value = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === end) return value;
  }
  const value = Number(text.slice(start, end));
  return Number.isFinite(value) ? value : 0;
}

/** Whether text[start, end) is one or more decimal digits. */
export function isDigits(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** How many blank-separated fields text[i, end) holds. */
export function countFields(text: string, i: number, end: number): number {
  let count = 0;
  for (i = skipBlanks(text, i, end); i < end; i = skipBlanks(text, fieldEnd(text, i, end), end)) count++;
  return count;
}

/**
 * Reads `out.length` blank-separated numbers from text[i, end) into `out` and returns it; fields the
 * line does not have are 0.
 */
export function readNumbers(text: string, i: number, end: number, out: number[]): number[] {
  for (let n = 0; n < out.length; n++) {
    const start = skipBlanks(text, i, end);
    i = fieldEnd(text, start, end);
    out[n] = start < i ? numberAt(text, start, i) : 0;
  }
  return out;
}
