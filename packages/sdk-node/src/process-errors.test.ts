import type { ApmBatch, ApmException } from '@pulse/protocol';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionsMode } from './process-errors.js';
import { startReceiver, type Receiver } from './testing/receiver.js';

/*
 * The crash paths run in child processes, against the built SDK (dist), since what is under test
 * is what Node does to a whole process: the exit code and stderr must be what they are without the
 * SDK, and the exception must still have reached Pulse.
 */

const packageDir = resolve(import.meta.dirname, '..');
const sdk = pathToFileURL(join(packageDir, 'dist/index.js')).href;
let dir: string;
let receiver: Receiver;

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', packageDir], { cwd: resolve(packageDir, '../..'), stdio: 'pipe' });
  dir = mkdtempSync(join(tmpdir(), 'pulse-sdk-crash-'));
  receiver = await startReceiver();
}, 120_000);
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Run { code: number | null; stderr: string; stdout: string }

/** Runs `body` as an ES module, with the SDK started first when `withSdk`. */
function run(name: string, body: string, { withSdk, flags = [] }: { withSdk: boolean; flags?: string[] }): Promise<Run> {
  const file = join(dir, `${name}-${withSdk ? 'sdk' : 'plain'}.mjs`);
  const setup = withSdk
    ? `import { start } from '${sdk}';\nconst pulse = start({ app: 'crashy', endpoint: process.env.PULSE_URL, token: 't', heartbeatIntervalMs: 60000 });\n`
    : 'const pulse = { flush: async () => {} };\n';
  writeFileSync(file, `${setup}globalThis.pulse = pulse;\n${body}\n`);
  return new Promise((done) => {
    const child = spawn(process.execPath, [...flags, file], { env: { ...process.env, PULSE_URL: receiver.url, NODE_OPTIONS: '' }, timeout: 20_000 });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => { stdout += d; });
    child.on('close', (code) => done({ code, stderr, stdout }));
  });
}

const exceptionWith = (message: string) => (b: { body: unknown }) => (b.body as ApmBatch).exceptions.some((e) => e.message === message);
const find = (batch: { body: unknown }, message: string) => (batch.body as ApmBatch).exceptions.find((e) => e.message === message) as ApmException;
/** stderr without the lines that name the script file, which differs between the two runs */
const shape = (stderr: string) => stderr.replace(/file:\/\/\S+|\/\S+\.mjs:\d+/g, '<file>');

describe('process errors in a child process', () => {
  it('an uncaught exception still crashes the process with code 1, and reaches Pulse first', async () => {
    const body = `setTimeout(() => { throw new Error('boom-uncaught'); }, 5);`;
    const [plain, withSdk] = await Promise.all([run('uncaught', body, { withSdk: false }), run('uncaught', body, { withSdk: true })]);
    expect(plain.code).toBe(1);
    expect(withSdk.code).toBe(1);
    expect(shape(withSdk.stderr)).toBe(shape(plain.stderr));
    const e = find(await receiver.waitFor(exceptionWith('boom-uncaught')), 'boom-uncaught');
    expect(e).toMatchObject({ mechanism: 'uncaught', type: 'Error' });
    expect(e.frames[0]).toMatchObject({ inApp: true, line: 4 }); // the body's line in the script
  });

  it('an unhandled rejection (default --unhandled-rejections=throw) still crashes with code 1, and reaches Pulse', async () => {
    const body = `Promise.reject(new Error('boom-rejected'));`;
    const [plain, withSdk] = await Promise.all([run('rejection', body, { withSdk: false }), run('rejection', body, { withSdk: true })]);
    expect(plain.code).toBe(1);
    expect(withSdk.code).toBe(1);
    expect(shape(withSdk.stderr)).toBe(shape(plain.stderr));
    expect(find(await receiver.waitFor(exceptionWith('boom-rejected')), 'boom-rejected').mechanism).toBe('unhandled-rejection');
  });

  it('under --unhandled-rejections=warn the process lives on and warns as before; the rejection is captured', async () => {
    const body = `Promise.reject(new Error('boom-warned'));\nsetTimeout(() => pulse.flush(), 20);`;
    const flags = ['--unhandled-rejections=warn'];
    const [plain, withSdk] = await Promise.all([run('warn', body, { withSdk: false, flags }), run('warn', body, { withSdk: true, flags })]);
    expect(plain.code).toBe(0);
    expect(withSdk.code).toBe(0);
    expect(withSdk.stderr).toContain('boom-warned');
    expect(find(await receiver.waitFor(exceptionWith('boom-warned')), 'boom-warned').mechanism).toBe('unhandled-rejection');
  });

  it("a rejection the application's own listener handles does not crash, and is captured too", async () => {
    const body = `process.on('unhandledRejection', (e) => console.log('app saw', e.message));\nPromise.reject(new Error('boom-handled'));\nsetTimeout(() => pulse.flush(), 20);`;
    const [plain, withSdk] = await Promise.all([run('handled', body, { withSdk: false }), run('handled', body, { withSdk: true })]);
    expect(plain).toMatchObject({ code: 0, stdout: 'app saw boom-handled\n' });
    expect(withSdk).toMatchObject({ code: 0, stdout: 'app saw boom-handled\n' });
    expect(find(await receiver.waitFor(exceptionWith('boom-handled')), 'boom-handled').mechanism).toBe('unhandled-rejection');
  });

  it('never keeps a process alive: a script that only starts the SDK exits at once with code 0', async () => {
    const started = performance.now();
    const r = await run('idle', `console.log('done');`, { withSdk: true });
    expect(r).toMatchObject({ code: 0, stdout: 'done\n', stderr: '' });
    expect(performance.now() - started).toBeLessThan(5_000); // heartbeat every 60 s, flush every 2 s
  });
});

describe('rejectionsMode', () => {
  it('reads --unhandled-rejections from the flags or NODE_OPTIONS, the flag winning', () => {
    expect(rejectionsMode([], '')).toBe('throw');
    expect(rejectionsMode(['--unhandled-rejections=warn'], '')).toBe('warn');
    expect(rejectionsMode([], '--unhandled-rejections=strict')).toBe('strict');
    expect(rejectionsMode(['--unhandled-rejections', 'none'], '--unhandled-rejections=strict')).toBe('none');
  });
});
