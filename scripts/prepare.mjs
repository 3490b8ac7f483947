#!/usr/bin/env node
// Makes a clone runnable: installs dependencies when the lock file changed (or none are
// installed), then builds what is older than its sources. `npm start` and `npm test` run this
// first, so a fresh clone needs no other step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const tsSources = ['protocol', 'hub', 'client', 'server'].map((p) => newest(join(root, 'packages', p, 'src')));
if (force || !existsSync(serverOut) || Math.max(...tsSources) > mtime(serverOut)) {
  log('compiling TypeScript…');
  run(join(root, 'node_modules/.bin/tsc'), ['-b']);
}

const webOut = join(root, 'packages/web/dist/index.html');
const webSources = Math.max(newest(join(root, 'packages/web')), newest(join(root, 'packages/client/src')), newest(join(root, 'packages/protocol/src')));
if (force || !existsSync(webOut) || webSources > mtime(webOut)) {
  log('building the dashboard…');
  run(join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], join(root, 'packages/web'));
}
