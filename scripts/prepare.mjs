#!/usr/bin/env node
// Makes a clone runnable: installs dependencies when the lock file changed (or none are
// installed), then builds what is older than its sources. `npm start` and `npm test` run this
// first, so a fresh clone needs no other step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const force = process.argv.includes('--force-build');
const log = (msg) => quiet || console.error(`[prepare] ${msg}`);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : ['ignore', 'inherit', 'inherit'] });

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

const installedLock = join(root, 'node_modules/.package-lock.json');
const nativeAddon = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
if (!existsSync(installedLock) || mtime(installedLock) < mtime(join(root, 'package-lock.json'))) {
  log('installing dependencies (npm ci)…');
  run(npm, ['ci', '--no-audit', '--no-fund']);
} else if (!existsSync(nativeAddon)) {
  log('building the SQLite driver…');
  run(npm, ['rebuild', 'better-sqlite3']);
}

const serverOut = join(root, 'packages/server/dist/cli.js');
const tsSources = ['protocol', 'hub', 'client', 'collectors', 'server', 'agent'].map((p) => newest(join(root, 'packages', p, 'src')));
if (force || !existsSync(serverOut) || Math.max(...tsSources) > mtime(serverOut)) {
  log('compiling TypeScript…');
  run(join(root, 'node_modules/.bin/tsc'), ['-b']);
}

// pulse-agent ships as one file the server hands to target machines (GET /api/agents/pulse-agent.mjs).
const agentOut = join(root, 'packages/agent/dist/pulse-agent.mjs');
const agentSources = Math.max(...['agent/src', 'agent/scripts', 'collectors/src', 'protocol/src'].map((p) => newest(join(root, 'packages', p))));
if (force || !existsSync(agentOut) || agentSources > mtime(agentOut)) {
  log('bundling pulse-agent…');
  run(process.execPath, [join(root, 'packages/agent/scripts/bundle.mjs'), ...(quiet ? ['--quiet'] : [])]);
}

const webOut = join(root, 'packages/web/dist/index.html');
const webSources = Math.max(newest(join(root, 'packages/web')), newest(join(root, 'packages/client/src')), newest(join(root, 'packages/protocol/src')));
if (force || !existsSync(webOut) || webSources > mtime(webOut)) {
  log('building the dashboard…');
  run(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], join(root, 'packages/web'));
  precompress(join(root, 'packages/web/dist'));
}

/** Writes .br and .gz beside each text asset once, so the server never compresses per request. */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) precompress(p);
    else if (/\.(js|css|html|svg|json)$/.test(entry.name) && statSync(p).size > 1024) {
      const data = readFileSync(p);
      writeFileSync(`${p}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${p}.gz`, gzipSync(data, { level: 9 }));
    }
  }
}
