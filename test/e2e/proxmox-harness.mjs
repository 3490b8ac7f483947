#!/usr/bin/env node
/*
 * A Pulse server with a made-up Proxmox estate (test/e2e/proxmox-estate.mjs), for looking at and
 * testing the Proxmox pages apart from the real source: the BUILT server in this process, fed by two
 * sources that report resources in the shapes of packages/server/src/sources/proxmox/CONTRACT.md,
 * their figures moving every 2 s. Its /api/connections is the server's own (and empty): the
 * connection form is tested against the demo's simulated Proxmox in proxmox-demo.test.ts.
 *
 *   node test/e2e/proxmox-harness.mjs [--guests 5000] [--port 7655] [--no-ceph] [--empty]
 *
 * Signs in as admin / "correct horse battery staple".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEstate, createProxmoxSources } from './proxmox-estate.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Starts the built server with the estate; answers `{ base, credentials, estate, close }`. */
export async function startProxmoxHarness({ guests = 40, ceph = true, empty = false, port, everyMs = 2_000 } = {}) {
  const dist = join(root, 'packages/server/dist');
  const { startPulse } = await import(pathToFileURL(join(dist, 'main.js')).href);
  const { loadConfig } = await import(pathToFileURL(join(dist, 'config/index.js')).href);
  const { createLogger } = await import(pathToFileURL(join(dist, 'observability/logger.js')).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-proxmox-'));
  const listenPort = port ?? (await freePort());
  const env = {
    ...process.env, PULSE_HOST: '127.0.0.1', PULSE_PORT: String(listenPort), PULSE_DATA_DIR: dataDir, PULSE_LOCAL_ENABLED: 'false',
    PULSE_LOG_LEVEL: 'warn', PULSE_ADMIN_USER: ADMIN.username, PULSE_ADMIN_PASSWORD: ADMIN.password, PULSE_CONFIG: join(dataDir, 'none.toml'),
  };
  delete env.PULSE_DATABASE_URL;
  delete env.PULSE_REDIS_URL;
  writeFileSync(env.PULSE_CONFIG, '');
  const { config } = loadConfig(env, dataDir);
  const logger = createLogger(config.log.level, process.stderr);
  const estate = createEstate({ guests, ceph });
  const pulse = await startPulse({ config, logger, version: 'harness', env, extraSources: empty ? [] : createProxmoxSources(estate, everyMs) });
  return {
    base: `http://127.0.0.1:${listenPort}`,
    credentials: ADMIN,
    estate,
    async close() {
      await pulse.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const harness = await startProxmoxHarness({
    guests: Number(arg('guests', '40')),
    port: arg('port') ? Number(arg('port')) : undefined,
    ceph: !process.argv.includes('--no-ceph'),
    empty: process.argv.includes('--empty'),
  });
  console.log(`Pulse with a Proxmox estate at ${harness.base}  (sign in as ${ADMIN.username} / ${ADMIN.password})`);
  const stopAll = async () => {
    await harness.close();
    process.exit(0);
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
}
