#!/usr/bin/env node
/**
 * What an idle `pulse serve` costs: the built server (SQLite, no Redis, no sources, local collection
 * off) is started, left alone for `settleMs` after /api/health first answers, then measured.
 *
 *   node bench/lib/idle-server.mjs [--settle-ms 5000] [--json] [--root <a checkout with built dist>]
 *   import { measureIdleServer } from './lib/idle-server.mjs'; await measureIdleServer({ root })
 *
 * RSS figures come from /proc/<pid>/status. The heap and the modules come from inside the process:
 * node is started with `--require` of a tiny preload (written to the run's temporary directory) that,
 * on SIGUSR2, writes to a file:
 *  - `heapUsed` as found, then `heapLive` after one full GC the preload triggers itself at that
 *    moment (node runs without --expose-gc until then, so nothing else about the process changes);
 *  - `cjsModules`: the CommonJS modules in `require.cache` (what the ESM server loads from CJS
 *    packages lands there too);
 *  - `jsModules` and `packages`: every JavaScript file, CommonJS or ESM, whose code V8 still holds
 *    after that GC (from the inspector's scriptParsed events), in all and per package.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startProcess, waitFor } from './agent-procs.mjs';

const defaultRoot = fileURLToPath(new URL('../..', import.meta.url));

const PROBE = String.raw`'use strict';
const { writeFileSync } = require('node:fs');
const packageOf = (file) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.slice(file.lastIndexOf('node_modules')));
  return m ? m[1] : '(own)';
};
process.on('SIGUSR2', () => {
  const raw = process.memoryUsage();
  const cjs = Object.keys(require.cache).filter((key) => key !== __filename);
  require('node:v8').setFlagsFromString('--expose-gc');
  require('node:vm').runInNewContext('gc')();
  const live = process.memoryUsage();
  // V8 reports every script it holds on Debugger.enable: CommonJS and ES modules alike.
  const session = new (require('node:inspector').Session)();
  session.connect();
  const scripts = new Set();
  session.on('Debugger.scriptParsed', ({ params }) => {
    if (params.url.startsWith('file://')) scripts.add(require('node:url').fileURLToPath(params.url));
  });
  session.post('Debugger.enable', () => {
    session.disconnect();
    scripts.delete(__filename);
    const packages = {};
    for (const file of scripts) packages[packageOf(file)] = (packages[packageOf(file)] || 0) + 1;
    writeFileSync(process.env.PULSE_IDLE_PROBE_OUT, JSON.stringify({ cjsModules: cjs.length, jsModules: scripts.size, packages, raw, live }));
  });
});
`;

/** kB fields of /proc/<pid>/status, in bytes. */
async function procStatus(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), rssAnon: kb('RssAnon'), rssFile: kb('RssFile'), hwm: kb('VmHWM') };
}

/**
 * Starts the built server, waits `settleMs` after it first answers /api/health, measures and stops it.
 * `env` is added to (and overrides) the idle configuration, to measure other set-ups the same way.
 */
export async function measureIdleServer({ root = defaultRoot, settleMs = 5000, env = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pulse-idle-'));
  const probe = join(dir, 'probe.cjs');
  const out = join(dir, 'probe.json');
  await writeFile(probe, PROBE);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startProcess(process.execPath, ['--require', probe, join(root, 'packages/server/dist/cli.js'), 'serve'], {
    cwd: root,
    env: {
      PULSE_PORT: String(port), PULSE_HOST: '127.0.0.1', PULSE_DATA_DIR: join(dir, 'data'),
      PULSE_ADMIN_USER: 'a', PULSE_ADMIN_PASSWORD: 'a-long-enough-password', PULSE_LOCAL_ENABLED: 'false',
      PULSE_IDLE_PROBE_OUT: out,
      ...env,
    },
  });
  try {
    const exited = server.exited.then((code) => {
      throw new Error(`pulse serve exited (${code}):\n${server.log()}`);
    });
    exited.catch(() => {}); // it also ends when we stop it below
    await Promise.race([exited, waitFor('the server to answer /api/health', async () => (await fetch(`${base}/api/health`)).ok || undefined, 60_000, server.log)]);
    await sleep(settleMs);
    // /proc first: the probe's GC must not shrink what the process held while idle.
    const status = await procStatus(server.pid);
    server.child.kill('SIGUSR2');
    const inside = await waitFor('the preload to write its figures', async () => JSON.parse(await readFile(out, 'utf8')), 10_000, server.log);
    return {
      ...status,
      heapUsed: inside.raw.heapUsed,
      heapLive: inside.live.heapUsed,
      heapTotal: inside.raw.heapTotal,
      external: inside.raw.external,
      cjsModules: inside.cjsModules,
      jsModules: inside.jsModules,
      packages: inside.packages,
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const MiB = (bytes) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { 'settle-ms': { type: 'string', default: '5000' }, root: { type: 'string' }, json: { type: 'boolean' } } });
  const result = await measureIdleServer({ root: values.root ?? defaultRoot, settleMs: Number(values['settle-ms']) });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`VmRSS ${MiB(result.rss)}  RssAnon ${MiB(result.rssAnon)}  RssFile ${MiB(result.rssFile)}  (peak ${MiB(result.hwm)})`);
    console.log(`heapUsed ${MiB(result.heapUsed)}  after GC ${MiB(result.heapLive)}  heapTotal ${MiB(result.heapTotal)}  external ${MiB(result.external)}`);
    console.log(`modules: ${result.cjsModules} CommonJS (require.cache); ${result.jsModules} JavaScript files held, CommonJS and ESM`);
    const top = Object.entries(result.packages).sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log(`  ${top.map(([name, n]) => `${name} ${n}`).join(', ')}`);
  }
}
