import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, testCerts } from '../../../../tools/docker-sim/index.mjs';
import { createEngineClient } from './engine-client.js';
import type { EngineClient } from './engine-client.js';
import { parseEngineEndpoint } from './engine-endpoint.js';
import type { EngineTls } from './engine-endpoint.js';
import { DockerEngineError } from './engine-error.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;

let engine: TestEngine | undefined;
let client: EngineClient | undefined;
afterEach(async () => {
  client?.close();
  await engine?.close();
  client = undefined;
  engine = undefined;
});

function connect(url: string, tls?: EngineTls, timeoutMs = 2000, maxBodyBytes = 1024 * 1024): EngineClient {
  client = createEngineClient({ endpoint: parseEngineEndpoint(url, tls), timeoutMs, maxBodyBytes });
  return client;
}

async function failure(promise: Promise<unknown>): Promise<DockerEngineError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DockerEngineError);
  return err as DockerEngineError;
}

describe('engine client', () => {
  it('reads JSON over a unix socket and over plain TCP', async () => {
    engine = await startTestEngine({}, { tcp: true });
    const overSocket = await connect(engine.url).getJson('/version');
    client?.close();
    const overTcp = await connect(engine.tcpUrl as string).getJson('/version');
    expect(overSocket).toMatchObject({ ApiVersion: '1.47' });
    expect(overTcp).toEqual(overSocket);
  });

  it('speaks mutual TLS with the CA, client certificate and key docker --tlsverify uses', async () => {
    engine = await startTestEngine({}, { tls: true });
    const { client: pem } = testCerts();
    expect(await connect(engine.tcpUrl as string, pem).getJson('/version')).toMatchObject({ Version: '27.3.1' });
  });

  it('refuses an engine whose certificate the configured CA did not sign', async () => {
    engine = await startTestEngine({}, { tls: true });
    const { client: pem, otherCa } = testCerts();
    const err = await failure(connect(engine.tcpUrl as string, { ...pem, ca: otherCa }).getJson('/version'));
    expect(err.code).toBe('docker.connection');
    expect(err.message).toMatch(/TLS .* failed .*check the ca, cert and key/);
  });

  it('is refused by a TLS engine when it has no client certificate', async () => {
    engine = await startTestEngine({}, { tls: true });
    const err = await failure(connect(engine.tcpUrl as string, { ca: testCerts().ca }).getJson('/version'));
    expect(err.code).toBe('docker.connection');
  });

  it('gives up on an engine that never answers after the request timeout', async () => {
    engine = await startTestEngine();
    engine.sim.inject({ route: 'version', kind: 'hang' });
    const err = await failure(connect(engine.url, undefined, 150).getJson('/version'));
    expect(err.code).toBe('docker.timeout');
    expect(err.message).toContain('did not answer GET /version within 150 ms');
  });

  it('rejects garbage, an oversized answer, a dropped connection and an HTTP error, each with its own code', async () => {
    engine = await startTestEngine();
    const c = connect(engine.url, undefined, 2000, 64 * 1024);
    engine.sim.inject({ route: 'version', kind: 'garbage', times: 1 });
    expect((await failure(c.getJson('/version'))).code).toBe('docker.bad_json');
    engine.sim.inject({ route: 'version', kind: 'oversized', bytes: 100 * 1024, times: 1 });
    expect((await failure(c.getJson('/version'))).code).toBe('docker.too_large');
    engine.sim.inject({ route: 'version', kind: 'reset', times: 1 });
    expect((await failure(c.getJson('/version'))).code).toBe('docker.connection');
    engine.sim.inject({ route: 'version', kind: 'status', status: 500, message: 'daemon is shutting down', times: 1 });
    const status = await failure(c.getJson('/version'));
    expect(status).toMatchObject({ code: 'docker.http_status', status: 500 });
    expect(status.message).toContain('daemon is shutting down');
    expect((await failure(c.getJson('/v1.47/containers/nope/json'))).code).toBe('docker.not_found');
    // The engine is fine again afterwards, on the same client.
    expect(await c.getJson('/version')).toMatchObject({ ApiVersion: '1.47' });
  });

  it('says no engine is there when the socket does not exist', async () => {
    const err = await failure(connect('unix:///nonexistent/pulse/docker.sock').getJson('/version'));
    expect(err.code).toBe('docker.unavailable');
    expect(err.message).toContain('unix:///nonexistent/pulse/docker.sock');
  });

  it('refuses requests once closed', async () => {
    engine = await startTestEngine();
    const c = connect(engine.url);
    c.close();
    expect((await failure(c.getJson('/version'))).code).toBe('docker.closed');
  });
});

describe('engine endpoint', () => {
  it('reads DOCKER_HOST-style addresses and never puts credentials in its label', () => {
    expect(parseEngineEndpoint('/var/run/docker.sock')).toMatchObject({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseEngineEndpoint('unix:///run/user/1000/podman/podman.sock')).toMatchObject({ kind: 'unix', socketPath: '/run/user/1000/podman/podman.sock' });
    expect(parseEngineEndpoint('tcp://10.0.0.5')).toMatchObject({ kind: 'tcp', host: '10.0.0.5', port: 2375, tls: undefined, label: 'http://10.0.0.5:2375' });
    expect(parseEngineEndpoint('tcp://10.0.0.5', { ca: 'x' })).toMatchObject({ port: 2376, label: 'https://10.0.0.5:2376' });
    expect(parseEngineEndpoint('https://user:secret@[::1]:9999/x')).toMatchObject({ host: '::1', port: 9999, label: 'https://[::1]:9999' });
    expect(() => parseEngineEndpoint('ftp://host')).toThrow(/unknown scheme/);
    expect(() => parseEngineEndpoint('docker.sock')).toThrow(DockerEngineError);
  });
});
