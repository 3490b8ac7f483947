import type { ApmFrame } from './app-types';

export type FrameKind = 'app' | 'dependency' | 'node';

export interface FrameLine {
  fn: string;
  /** "src/orders.ts:42:7", or "" when the frame has no file */
  location: string;
  kind: FrameKind;
  /** for a dependency: the package the frame is in, e.g. "express" or "@fastify/router" */
  pkg?: string;
}

export type StackRow = { type: 'frame'; frame: FrameLine; index: number } | { type: 'collapsed'; frames: FrameLine[]; label: string; from: number };

/** The package a node_modules path is in: the last node_modules wins, so nested copies name the inner one. */
export function packageOf(file: string): string | undefined {
  const parts = file.replace(/\\/g, '/').split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') && parts[at + 2] ? `${first}/${parts[at + 2]}` : first;
}

/** One frame as the stack shows it: the function, where it is, and whose code it is. */
export function frameLine(f: ApmFrame): FrameLine {
  const file = f.file ?? '';
  const isNode = file.startsWith('node:') || (file !== '' && !file.includes('/') && !file.includes('\\') && !f.inApp);
  const pkg = f.inApp ? undefined : packageOf(file);
  const kind: FrameKind = f.inApp ? 'app' : isNode && !pkg ? 'node' : 'dependency';
  const position = f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : '';
  return { fn: f.fn?.trim() || '<anonymous>', location: file ? `${file}${position}` : '', kind, pkg };
}

/**
 * The stack as rows, newest frame first (as V8 prints it). Runs of three or more frames outside the
 * app fold into one row ("4 frames in express, node:internal") so the application's own frames stand
 * out; shorter runs stay, since a frame or two of a library often say what called the app.
 */
export function stackRows(frames: readonly ApmFrame[], foldAt = 3): StackRow[] {
  const lines = frames.map(frameLine);
  const rows: StackRow[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind === 'app') {
      rows.push({ type: 'frame', frame: lines[i]!, index: i });
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.kind !== 'app') j++;
    const run = lines.slice(i, j);
    if (run.length >= foldAt) {
      const owners = [...new Set(run.map((l) => (l.kind === 'node' ? 'node internals' : (l.pkg ?? 'dependencies'))))];
      const names = owners.length > 3 ? `${owners.slice(0, 3).join(', ')} and ${owners.length - 3} more` : owners.join(', ');
      rows.push({ type: 'collapsed', frames: run, label: `${run.length} frames in ${names}`, from: i });
    } else run.forEach((frame, k) => rows.push({ type: 'frame', frame, index: i + k }));
    i = j;
  }
  return rows;
}

/** The stack as text, as `Error.stack` would print it, for copying into an issue. */
export function stackText(type: string, message: string, frames: readonly ApmFrame[]): string {
  const lines = frames.map(frameLine).map((l) => (l.location ? `    at ${l.fn} (${l.location})` : `    at ${l.fn}`));
  return [`${type}: ${message}`, ...lines].join('\n');
}

/** The first frame of the app's own code: where to look first. */
export function topAppFrame(frames: readonly ApmFrame[]): FrameLine | undefined {
  const f = frames.find((x) => x.inApp);
  return f ? frameLine(f) : undefined;
}
