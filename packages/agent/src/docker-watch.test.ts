import { describe, expect, it } from 'vitest';
import { createManualTimers } from '../test-support/manual-timers.js';
import { until } from '../test-support/report-server.js';
import { createDockerWatch } from './docker-watch.js';
import type { DockerSource } from './docker-watch.js';
import { silentLogger } from './logger.js';
import type { DockerReading } from './report-builder.js';

/** A Docker source whose collections finish when the test says so. */
function controlledSource() {
  const pending: Array<(r: DockerReading) => void> = [];
  let onChange: (() => void) | undefined;
  let collections = 0;
  let closed = false;
  const source: DockerSource = {
    collect: () => {
      collections++;
      return new Promise<DockerReading>((resolve) => pending.push(resolve));
    },
    watch(cb) {
      onChange = cb;
      return () => (onChange = undefined);
    },
    close: () => void (closed = true),
  };
  const reading = (n: number): DockerReading => ({ docker: { state: 'ok' }, containers: [{ id: `c${n}`, type: 'app-container', name: `c${n}`, metrics: {}, details: {}, identity: {}, tags: [] }] });
  return {
    source, reading, pending,
    finish: (n: number) => pending.shift()!(reading(n)),
    event: () => onChange?.(),
    get collections() { return collections; },
    get closed() { return closed; },
  };
}

describe('docker watch', () => {
  it('collects at start and on its own cadence, never two at a time', async () => {
    const timers = createManualTimers(0);
    const src = controlledSource();
    const changes: number[] = [];
    const watch = createDockerWatch({ source: src.source, intervalMs: 10_000, timers, logger: silentLogger, onChange: () => void changes.push(timers.now()) });
    const started = watch.start();
    expect(src.collections).toBe(1);
    src.finish(1);
    await started;
    expect(watch.latest?.containers[0]?.id).toBe('c1');
    timers.advance(10_000);
    expect(src.collections).toBe(2);
    timers.advance(30_000); // the second collection hangs: no third one starts
    expect(src.collections).toBe(2);
    src.finish(2);
    await until(() => timers.pending === 1);
    expect(watch.latest?.containers[0]?.id).toBe('c2');
    expect(changes).toEqual([]);
    await watch.stop();
    expect(src.closed).toBe(true);
  });

  it('collects once after a burst of container events and asks for an early report', async () => {
    const timers = createManualTimers(0);
    const src = controlledSource();
    let changes = 0;
    const watch = createDockerWatch({ source: src.source, intervalMs: 10_000, timers, logger: silentLogger, onChange: () => void changes++ });
    const started = watch.start();
    src.finish(1);
    await started;
    src.event();
    src.event();
    src.event();
    timers.advance(250);
    expect(src.collections).toBe(2);
    src.event(); // during that collection: exactly one more afterwards
    timers.advance(250);
    src.finish(2);
    await until(() => src.collections === 3);
    src.finish(3);
    await until(() => changes === 2);
    expect(watch.latest?.containers[0]?.id).toBe('c3');
    await watch.stop();
  });

  it('reports Docker as error, without containers, when the collector throws, and goes on', async () => {
    const timers = createManualTimers(0);
    let fail = true;
    const source: DockerSource = {
      collect: async () => {
        if (fail) throw new Error('boom');
        return { docker: { state: 'ok' }, containers: [] };
      },
      watch: () => () => {},
      close: () => {},
    };
    const watch = createDockerWatch({ source, intervalMs: 1000, timers, logger: silentLogger, onChange: () => {} });
    await watch.start();
    expect(watch.latest).toEqual({ docker: { state: 'error', message: 'boom' }, containers: [] });
    fail = false;
    await until(() => timers.pending === 1);
    timers.advance(1000);
    await until(() => watch.latest?.docker.state === 'ok');
    await watch.stop();
  });
});
