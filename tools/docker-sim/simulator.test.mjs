import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestEngine } from './testing.mjs';

/** A raw GET over a unix socket, so these tests do not depend on Pulse's client. */
function get(socketPath, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, headers: { Host: 'docker' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
  });
}

let engine;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('docker simulator', () => {
  it('refuses API versions outside its range with dockerd\'s wording and answers unversioned paths', async () => {
    engine = await startTestEngine({ engine: { apiVersion: '1.52', minApiVersion: '1.44' } });
    const old = await get(engine.socketPath, '/v1.43/containers/json');
    expect(old.status).toBe(400);
    expect(old.json().message).toBe('client version 1.43 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version');
    expect((await get(engine.socketPath, '/v1.53/version')).json().message).toMatch(/is too new. Maximum supported API version is 1\.52/);
    const ping = await get(engine.socketPath, '/_ping');
    expect([ping.body, ping.headers['api-version'], ping.headers.server]).toEqual(['OK', '1.52', 'Docker/27.3.1 (linux)']);
  });

  it('shapes stats like cgroup v1 and v2 engines, with empty precpu on one-shot only', async () => {
    let now = Date.UTC(2025, 0, 1);
    engine = await startTestEngine({ now: () => now, containers: [{ name: 'a', cgroup: 'v1' }, { name: 'b' }] });
    now += 2000;
    const v1 = (await get(engine.socketPath, '/v1.47/containers/a/stats?stream=false&one-shot=true')).json();
    const v2 = (await get(engine.socketPath, '/v1.47/containers/b/stats?stream=false&one-shot=true')).json();
    expect(v1.memory_stats.stats).toHaveProperty('total_inactive_file');
    expect(v1.cpu_stats.cpu_usage.percpu_usage).toHaveLength(4);
    expect(v1.blkio_stats.io_service_bytes_recursive.map((e) => e.op)).toEqual(['Read', 'Write', 'Sync', 'Async', 'Discard', 'Total']);
    expect(v2.memory_stats.stats).not.toHaveProperty('total_inactive_file');
    expect(v2.cpu_stats.cpu_usage).not.toHaveProperty('percpu_usage');
    expect(v2.blkio_stats.io_service_bytes_recursive.map((e) => e.op)).toEqual(['read', 'write']);
    expect([v2.cpu_stats.cpu_usage.total_usage, v2.read, v2.preread, v2.precpu_stats.cpu_usage.total_usage]).toEqual([500_000_000, '2025-01-01T00:00:02.000000000Z', '0001-01-01T00:00:00Z', 0]);
    const twoSample = (await get(engine.socketPath, '/v1.40/containers/b/stats?stream=false&one-shot=true')).json();
    expect(twoSample.precpu_stats.cpu_usage.total_usage).toBe(250_000_000);
  });

  it('streams events as JSON lines, matching health_status filters by prefix as dockerd does', async () => {
    engine = await startTestEngine({ containers: [{ name: 'web', health: 'healthy' }] });
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['health_status', 'die'] }));
    const lines = [];
    const req = http.get({ socketPath: engine.socketPath, path: `/v1.47/events?filters=${filters}`, headers: { Host: 'docker' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text) => lines.push(...text.split('\n').filter(Boolean).map((l) => JSON.parse(l))));
    });
    await vi.waitFor(() => expect(engine.sim.eventSubscribers).toBe(1));
    engine.sim.setHealth('web', 'unhealthy');
    engine.sim.pause('web');
    engine.sim.die('web', { exitCode: 1 });
    await vi.waitFor(() => expect(lines.map((e) => e.Action)).toEqual(['health_status: unhealthy', 'die']));
    expect(lines[1]).toMatchObject({ Type: 'container', Actor: { ID: engine.sim.container('web').id, Attributes: { name: 'web', exitCode: '1' } } });
    req.destroy();
  });

  it('runs as a CLI with 50 containers, without a build step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-dsim-cli-'));
    const socketPath = join(dir, 'docker.sock');
    const cli = spawn(process.execPath, [fileURLToPath(new URL('cli.mjs', import.meta.url)), '--socket', socketPath, '--containers', '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      cli.stdout.on('data', (chunk) => (out += chunk));
      await vi.waitFor(() => expect(out).toContain(`listening on unix://${socketPath}`), { timeout: 10_000 });
      const list = (await get(socketPath, '/v1.47/containers/json?all=1')).json();
      expect(list).toHaveLength(50);
      expect(list.filter((c) => c.State === 'running')).toHaveLength(45);
    } finally {
      cli.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
