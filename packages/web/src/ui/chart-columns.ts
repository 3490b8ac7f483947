/*
 * uPlot draws every series against one shared time column. Lines loaded separately rarely share
 * their times, so they are joined here: `undefined` where a line has no point at a time (uPlot draws
 * straight across it) and `null` just after a point followed by a long silence (uPlot breaks the
 * line there, so an outage reads as a gap, not as a slope).
 */

export interface LineInput {
  t: readonly number[];
  v: readonly number[];
  /** Per-point low and high, drawn as a band around the line. */
  low?: readonly number[];
  high?: readonly number[];
}

export type Cell = number | null | undefined;

export interface LineColumns {
  v: Cell[];
  low: Cell[];
  high: Cell[];
}

export interface Columns {
  t: number[];
  lines: LineColumns[];
}

/** Joins `lines` on one time column; a silence longer than `gapMs` within a line breaks it. */
export function alignLines(lines: readonly LineInput[], gapMs: number): Columns {
  // A break sits 1 ms after the last point before the silence: a time of its own, null for that line.
  const breaks = lines.map((l) => {
    const at = new Set<number>();
    for (let i = 1; i < l.t.length; i++) if (l.t[i]! - l.t[i - 1]! > gapMs) at.add(l.t[i - 1]! + 1);
    return at;
  });
  const times = new Set<number>();
  lines.forEach((l, k) => {
    for (const t of l.t) times.add(t);
    for (const t of breaks[k]!) times.add(t);
  });
  const t = [...times].sort((a, b) => a - b);
  const index = new Map(t.map((time, i) => [time, i]));

  const out = lines.map((l, k): LineColumns => {
    const cols: LineColumns = { v: new Array<Cell>(t.length).fill(undefined), low: new Array<Cell>(t.length).fill(undefined), high: new Array<Cell>(t.length).fill(undefined) };
    l.t.forEach((time, i) => {
      const at = index.get(time)!;
      cols.v[at] = l.v[i];
      cols.low[at] = l.low?.[i] ?? l.v[i];
      cols.high[at] = l.high?.[i] ?? l.v[i];
    });
    for (const time of breaks[k]!) {
      const at = index.get(time)!;
      if (cols.v[at] === undefined) cols.v[at] = cols.low[at] = cols.high[at] = null;
    }
    return cols;
  });
  return { t, lines: out };
}
