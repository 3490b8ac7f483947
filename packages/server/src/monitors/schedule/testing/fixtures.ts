import { MonitorInput, type CheckResult } from '@pulse/protocol';
import type { CheckRunner, StoredMonitor } from '../types.js';
import type { FakeClock } from './fake-clock.js';

/** A real, schema-validated monitor (defaults applied as the service would). */
export function httpMonitor(id: string, fields: Record<string, unknown> = {}): StoredMonitor {
  const input = MonitorInput.parse({ type: 'http', name: id, url: `http://127.0.0.1:9/${id}`, ...fields });
  return { ...input, id, createdAt: 0, updatedAt: 0 };
}

export interface Execution {
  id: string;
  scheduledAt: number;
  attempt: number;
  startedAt: number;
}

/** What a simulated target does for one check: answer after ms, or never. */
export type Behaviour = { ms: number; status?: 'up' | 'down' } | 'hang';

/**
 * A small check runner on the simulated clock: records each execution and answers as `behave` says.
 * Stands in for checks' runCheck so scheduling is tested on its own.
 */
export function simulatedTargets(clock: FakeClock, behave: (monitor: StoredMonitor, attempt: number) => Behaviour) {
  const executions: Execution[] = [];
  const run: CheckRunner = (monitor, scheduledAt, attempt) => {
    const startedAt = clock.now();
    executions.push({ id: monitor.id, scheduledAt, attempt, startedAt });
    const b = behave(monitor, attempt);
    if (b === 'hang') return new Promise<CheckResult>(() => undefined);
    return new Promise<CheckResult>((resolve) => clock.after(b.ms, () => resolve({
      monitorId: monitor.id, scheduledAt, startedAt, attempt, status: b.status ?? 'up', worker: 'sim',
      ...(b.status === 'down' ? { reason: { code: 'tcp.refused', message: 'refused' } } : {}),
      timings: { totalUs: b.ms * 1000 },
    })));
  };
  const of = (id: string) => executions.filter((e) => e.id === id);
  return { run, executions, of };
}
