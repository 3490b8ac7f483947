import { type MonitorInput } from '@pulse/protocol';
import { z } from 'zod';
import { inputOf, type MonitorService, parseMonitorInput } from './monitor-service.js';
import { MonitorError } from './monitor-types.js';

/** What export writes and import reads: definitions only, matched by name (ids differ between installs). */
export const MonitorImport = z.object({
  version: z.literal(1),
  monitors: z.array(z.unknown()).max(10_000),
  /** merge: create and update by name; replace: also remove UI-made monitors the import does not list */
  mode: z.enum(['merge', 'replace']).default('merge'),
});
export type MonitorImport = z.infer<typeof MonitorImport>;

export interface ImportOutcome { created: number; updated: number; unchanged: number; removed: number }

/** Every definition, secrets included (the route asks for settings:read), without ids or push tokens. */
export async function exportMonitors(service: Pick<MonitorService, 'list'>): Promise<{ version: 1; monitors: MonitorInput[] }> {
  return { version: 1, monitors: (await service.list()).map(inputOf) };
}

/**
 * Checks every definition first (each error names its index and field) and that no name appears
 * twice, so a bad import changes nothing; then applies them one by one.
 */
export function validateDefinitions(items: readonly unknown[], where: string): MonitorInput[] {
  const inputs: MonitorInput[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const name = typeof (item as { name?: unknown } | null)?.name === 'string' ? ` ("${(item as { name: string }).name}")` : '';
    try {
      const input = parseMonitorInput(item);
      const first = seen.get(input.name);
      if (first !== undefined) problems.push(`${where}.${i}${name}: name: also used by ${where}.${first}`);
      seen.set(input.name, i);
      inputs.push(input);
    } catch (err) {
      if (!(err instanceof MonitorError)) throw err;
      problems.push(`${where}.${i}${name}: ${err.message}`);
    }
  });
  if (problems.length) {
    throw new MonitorError('validation.failed', `${problems.slice(0, 20).join('; ')}${problems.length > 20 ? `; and ${problems.length - 20} more` : ''}`);
  }
  return inputs;
}

export async function importMonitors(service: MonitorService, body: MonitorImport, actor: string): Promise<ImportOutcome> {
  const inputs = validateDefinitions(body.monitors, 'monitors');
  const outcome: ImportOutcome = { created: 0, updated: 0, unchanged: 0, removed: 0 };
  for (const input of inputs) outcome[await service.save(input, actor, 'ui')]++;
  if (body.mode === 'replace') {
    const listed = new Set(inputs.map((m) => m.name));
    // Monitors the monitors file owns stay: the file would bring them back at the next start anyway.
    for (const monitor of await service.list()) {
      if (monitor.managedBy === 'ui' && !listed.has(monitor.name)) {
        await service.remove(monitor.id, actor);
        outcome.removed++;
      }
    }
  }
  return outcome;
}
