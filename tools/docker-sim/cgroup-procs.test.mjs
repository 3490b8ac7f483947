import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cgroupsUnavailable } from './cgroup-procs.mjs';
import { startTestEngine } from './testing.mjs';

const reason = cgroupsUnavailable();
let engine;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** Gone or a zombie: either way it no longer runs. */
const alive = (pid) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

describe('docker simulator with real cgroups', () => {
  const title = 'gives each running container a real process in docker/<id> cgroups, follows die and start, and cleans up on close';
  it.skipIf(reason !== undefined)(reason === undefined ? title : `${title} (skipped: ${reason})`, async () => {
    engine = await startTestEngine({ cgroups: true, containers: [{ name: 'cgtest-web' }, { name: 'cgtest-old', state: 'exited' }] });
    const web = engine.sim.container('cgtest-web');
    expect(engine.sim.container('cgtest-old').pid).toBeUndefined();
    const first = web.pid;
    expect(first).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${first}/cgroup`, 'utf8')).toContain(`/docker/${web.id}`);

    engine.sim.die('cgtest-web');
    await vi.waitFor(() => expect(alive(first)).toBe(false), { timeout: 5000, interval: 20 });
    engine.sim.start('cgtest-web');
    const second = web.pid;
    expect(second).not.toBe(first);
    expect(readFileSync(`/proc/${second}/cgroup`, 'utf8')).toContain(`/docker/${web.id}`);

    const dirs = readFileSync(`/proc/${second}/cgroup`, 'utf8').split('\n').filter((l) => l.includes(web.id));
    await engine.close();
    engine = undefined;
    expect(alive(second)).toBe(false);
    for (const line of dirs) {
      const [, controllers, path] = line.split(':');
      const mount = controllers === '' ? '/sys/fs/cgroup' : `/sys/fs/cgroup/${controllers.split(',')[0]}`;
      expect(existsSync(`${mount}${path}`)).toBe(false);
    }
  });
});
