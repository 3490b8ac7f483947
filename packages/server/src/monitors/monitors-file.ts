import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '../config/index.js';
import type { MonitorService } from './monitor-service.js';
import { MonitorError } from './monitor-types.js';
import { validateDefinitions } from './monitor-transfer.js';

export interface MonitorsFileOutcome { created: number; updated: number; unchanged: number; removed: number }

const ACTOR = 'config:monitors.file';

/** Reads `{ monitors: [...] }` from YAML (.yaml/.yml) or JSON (.json); anything wrong is a ConfigError naming the file. */
async function readDefinitions(file: string): Promise<unknown[]> {
  const problem = (what: string) => new ConfigError(`config key "monitors.file": ${file} ${what}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw problem(`cannot be read: ${(err as Error).message}`);
  }
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw problem('must end in .yaml, .yml or .json');
  // yaml (~70 modules) is imported only to read a YAML file, not into every server.
  const parse: (text: string) => unknown = ext === '.json' ? JSON.parse : (await import('yaml')).parse;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw problem(`is not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  const monitors = (doc as { monitors?: unknown } | null)?.monitors;
  if (!Array.isArray(monitors)) throw problem('must hold `monitors:`, a list of monitor definitions');
  return monitors;
}

/**
 * Monitors as code: applies the file at start. Everything is checked before anything is written
 * (definitions, duplicate names, names taken by monitors made in the UI), so a bad file stops
 * start-up having changed nothing. Then: created or updated by name, and the monitors this file
 * created before and no longer lists are removed. Monitors made in the UI are never touched.
 */
export async function applyMonitorsFile(file: string, service: MonitorService): Promise<MonitorsFileOutcome> {
  let inputs;
  try {
    inputs = validateDefinitions(await readDefinitions(file), 'monitors');
  } catch (err) {
    if (err instanceof MonitorError) throw new ConfigError(`config key "monitors.file": ${file}: ${err.message}`);
    throw err;
  }
  const existing = await service.list();
  const byName = new Map(existing.map((m) => [m.name, m]));
  const taken = inputs.map((input, i) => ({ input, i })).filter(({ input }) => byName.get(input.name)?.managedBy === 'ui');
  if (taken.length) {
    throw new ConfigError(`config key "monitors.file": ${file}: ${taken.map(({ input, i }) =>
      `monitors.${i} ("${input.name}"): name: a monitor of that name was made in the UI; rename one of them or delete the UI one`).join('; ')}`);
  }
  const outcome: MonitorsFileOutcome = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const input of inputs) outcome[await service.save(input, ACTOR, 'file')]++;
  const listed = new Set(inputs.map((m) => m.name));
  for (const monitor of existing) {
    if (monitor.managedBy === 'file' && !listed.has(monitor.name)) {
      await service.remove(monitor.id, ACTOR);
      outcome.removed++;
    }
  }
  return outcome;
}
