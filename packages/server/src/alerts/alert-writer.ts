import type { Alert } from '@pulse/protocol';
import type { Logger } from 'pino';

/**
 * Writes alert changes behind the engine's back: the engine hands changes over synchronously and
 * never waits on the database. Changes pile up per alert id (the latest wins) and go in one batch;
 * a failed batch is logged and kept for the next flush, unless a newer change replaced it meanwhile.
 */
export function createAlertWriter(options: { save: (alerts: Alert[]) => Promise<void>; logger: Logger }) {
  const pending = new Map<string, Alert>();
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // One macrotask of delay: every change of one evaluation (or one tick) lands in the same batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (pending.size > 0) {
      const batch = [...pending.values()];
      pending.clear();
      try {
        await options.save(batch);
      } catch (err) {
        options.logger.error({ err, alerts: batch.length }, 'could not store alert changes; will retry with the next change or tick');
        for (const alert of batch) if (!pending.has(alert.id)) pending.set(alert.id, alert);
        return;
      }
    }
  }

  const flush = (): Promise<void> => {
    if (!running) {
      running = drain().finally(() => {
        running = undefined;
      });
    }
    return running;
  };

  return {
    write(alerts: Alert[]): void {
      if (alerts.length === 0) return;
      for (const alert of alerts) pending.set(alert.id, alert);
      void flush();
    },
    /** Resolves once what was handed over so far is stored or has failed (and was logged). */
    async flush(): Promise<void> {
      await running;
      if (pending.size > 0) await flush();
    },
    get pending(): number {
      return pending.size;
    },
  };
}
export type AlertWriter = ReturnType<typeof createAlertWriter>;
