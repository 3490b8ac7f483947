import { createHash } from 'node:crypto';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from './wire.js';

export interface StackFrame {
  fn?: string;
  file?: string;
  line?: number;
  column?: number;
  inApp: boolean;
}

// `    at fn (file:line:col)`, `    at file:line:col`, `    at async fn (...)`, `    at new Foo (...)`
const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
// `    at Array.map (<anonymous>)`, `    at fn (native)`: a function without a location
const FRAME_NO_LOCATION = /^\s*at (.+?) \((?:<anonymous>|native|index \d+)\)\s*$/;
/** In-app frames taken into the fingerprint: enough to tell bugs apart, few enough that a deeper
 * or shallower recursion into the same bug does not make a new group. */
const FINGERPRINT_FRAMES = 10;

function clip(s: string, max: number = LIMITS.stringBytes): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * Files inside the working directory are reported relative to it, so the same code deployed to
 * another directory (`/srv/releases/42/...`) keeps its fingerprint.
 */
function normaliseFile(raw: string, cwd: string): string {
  let file = raw;
  if (file.startsWith('file://')) {
    try { file = fileURLToPath(file); } catch { /* keep the URL as it is */ }
  }
  if (cwd && file.startsWith(cwd + sep)) file = file.slice(cwd.length + 1);
  return file;
}

function isInApp(file: string | undefined): boolean {
  if (!file) return false;
  return !(file.startsWith('node:') || file.startsWith('internal/') || file.includes(`node_modules`) || file.startsWith('<'));
}

/**
 * V8 stack lines → frames, newest first as V8 prints them, at most LIMITS.stackFrames. Lines that
 * are not frames (the message, which may span lines) are skipped.
 */
export function parseStack(stack: string | undefined, cwd: string = process.cwd()): StackFrame[] {
  if (!stack) return [];
  const frames: StackFrame[] = [];
  for (const line of stack.split('\n')) {
    if (frames.length >= LIMITS.stackFrames) break;
    if (!line.trimStart().startsWith('at ')) continue;
    const m = FRAME.exec(line);
    if (m) {
      const file = clip(normaliseFile(m[2] as string, cwd));
      const frame: StackFrame = { file, line: Number(m[3]), column: Number(m[4]), inApp: isInApp(file) };
      if (m[1]) frame.fn = clip(m[1].replace(/^async /, ''));
      frames.push(frame);
      continue;
    }
    const n = FRAME_NO_LOCATION.exec(line);
    if (n) frames.push({ fn: clip((n[1] as string).replace(/^async /, '')), inApp: false });
  }
  return frames;
}

/**
 * Groups occurrences of one bug: type + the in-app frames' function and file. Not the message
 * (it carries ids and values) and not line numbers (any edit above the throw would split the
 * group), as Sentry groups by function and module. With no in-app frame, the top frames stand in;
 * with no frame at all, the message is all there is to tell errors apart.
 */
export function fingerprint(type: string, frames: StackFrame[], message: string): string {
  const hash = createHash('sha1').update(type);
  let picked = frames.filter((f) => f.inApp).slice(0, FINGERPRINT_FRAMES);
  if (picked.length === 0) picked = frames.slice(0, 5);
  if (picked.length === 0) hash.update(`\n${message}`);
  for (const f of picked) hash.update(`\n${f.fn ?? '?'}|${f.file ?? '?'}`);
  return hash.digest('hex');
}
