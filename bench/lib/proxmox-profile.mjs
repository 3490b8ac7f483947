/**
 * Where the server's CPU went, from a V8 .cpuprofile, inside a window (CLOCK_MONOTONIC µs, which V8's
 * profiler and process.hrtime share): self time by function and by module (a package in
 * node_modules, a file of ours, node's internals, GC), and inclusive time by Pulse file (a sample
 * counts for every file of ours on its stack, so a poller's share includes the zod and JSON it calls).
 */
import { readFileSync } from 'node:fs';

function moduleOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
  if (pkg) return pkg;
  if (path.startsWith('node:')) return path.split('/').slice(0, 2).join('/');
  const ours = /\/(packages\/.*)$/.exec(path)?.[1];
  return ours ?? path;
}

function pulseFile(url) {
  if (!url || url.includes('node_modules')) return undefined;
  return /\/(packages\/.*)$/.exec(url.replace(/^file:\/\//, ''))?.[1];
}

export function summariseServerProfile(file, window, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const filesOnStack = new Map();
  const stackFiles = (id) => {
    let files = filesOnStack.get(id);
    if (files) return files;
    const up = parent.get(id);
    files = new Set(up === undefined ? [] : stackFiles(up));
    const own = pulseFile(byId.get(id).callFrame.url);
    if (own) files.add(own);
    filesOnStack.set(id, files);
    return files;
  };
  const self = new Map();
  const modules = new Map();
  const inclusive = new Map();
  const add = (map, key, dt) => map.set(key, (map.get(key) ?? 0) + dt);
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window[0] || at > window[1])) return;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') return;
    total += dt;
    const where = url ? `${moduleOf(url, functionName)}${pulseFile(url) ? '' : `/${url.split('/').pop()}`}:${lineNumber + 1}` : '';
    add(self, `${functionName || '(anonymous)'} ${where}`.trim(), dt);
    add(modules, moduleOf(url, functionName), dt);
    for (const f of stackFiles(id)) add(inclusive, f, dt);
  });
  const rows = (map, key, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => ({ [key]: name, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 }));
  return { busyMs: total / 1000, byModule: rows(modules, 'module', 20), inclusiveByFile: rows(inclusive, 'file', 25), top: rows(self, 'fn', top) };
}

/**
 * What was still allocated when the server exited, from a V8 sampling heap profile (--heap-prof):
 * self bytes by module and by function, and inclusive bytes by Pulse file (the allocating stack).
 */
export function summariseHeapProfile(file, top = 20) {
  const { head } = JSON.parse(readFileSync(file, 'utf8'));
  const self = new Map();
  const modules = new Map();
  const inclusive = new Map();
  const add = (map, key, n) => map.set(key, (map.get(key) ?? 0) + n);
  let total = 0;
  const walk = (node, files) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const own = pulseFile(url);
    const here = own && !files.includes(own) ? [...files, own] : files;
    if (node.selfSize) {
      total += node.selfSize;
      const where = url ? `${moduleOf(url, functionName)}${own ? '' : `/${url.split('/').pop()}`}:${lineNumber + 1}` : '';
      add(self, `${functionName || '(anonymous)'} ${where}`.trim(), node.selfSize);
      add(modules, moduleOf(url, functionName), node.selfSize);
      for (const f of here) add(inclusive, f, node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(head, []);
  const rows = (map, key, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, bytes]) => ({ [key]: name, MB: Math.round(bytes / 104_857.6) / 10, pct: Math.round((bytes / total) * 1000) / 10 }));
  return { liveMB: total / 1_048_576, byModule: rows(modules, 'module', 15), inclusiveByFile: rows(inclusive, 'file', 20), top: rows(self, 'fn', top) };
}
