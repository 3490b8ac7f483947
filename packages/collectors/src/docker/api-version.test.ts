import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTestEngine } from '../../../../tools/docker-sim/index.mjs';
import { MAX_API_VERSION, compareApiVersions, negotiateApiVersion } from './api-version.js';
import { createDockerCollector } from './docker-collector.js';
import type { DockerCollector } from './docker-collector.js';
import { readVersion } from './engine-answers.js';

type TestEngine = Awaited<ReturnType<typeof startTestEngine>>;
type Request = { route: string; path: string; apiVersion: string | undefined; query: Record<string, string> };

let engine: TestEngine | undefined;
let collector: DockerCollector | undefined;
afterEach(async () => {
  collector?.close();
  await engine?.close();
  collector = undefined;
  engine = undefined;
});

async function collectAgainst(engineOptions: { apiVersion?: string; minApiVersion?: string; version?: string; flavour?: 'docker' | 'podman' }) {
  engine = await startTestEngine({ engine: engineOptions, containers: [{ name: 'web' }] });
  collector = createDockerCollector({ endpoint: engine.url, containerId: ({ name }) => name, logger: { warn: vi.fn() } });
  return { result: await collector.collect(), requests: engine.sim.requests as Request[] };
}

describe('Engine API version negotiation', () => {
  it('orders versions numerically', () => {
    expect(compareApiVersions('1.9', '1.40')).toBeLessThan(0);
    expect(compareApiVersions('1.47', '1.47')).toBe(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
  });

  it('asks the unversioned /version first, then speaks the engine\'s version on every path', async () => {
    const { result, requests } = await collectAgainst({ apiVersion: '1.45' });
    expect(result.docker).toMatchObject({ state: 'ok', apiVersion: '1.45' });
    expect(requests[0]).toMatchObject({ route: 'version', path: '/version', apiVersion: undefined });
    expect(requests.slice(1).every((r) => r.apiVersion === '1.45')).toBe(true);
    expect(requests.find((r) => r.route === 'stats')?.query).toEqual({ stream: 'false', 'one-shot': 'true' });
  });

  it(`caps a newer engine at ${MAX_API_VERSION}, the newest version Pulse was checked against`, async () => {
    const { result, requests } = await collectAgainst({ apiVersion: '1.60', version: '35.0.0' });
    expect(result.docker).toMatchObject({ state: 'ok', apiVersion: MAX_API_VERSION, engine: 'Docker Engine - Community 35.0.0' });
    expect(requests.filter((r) => r.route === 'list').map((r) => r.apiVersion)).toEqual([MAX_API_VERSION]);
  });

  it('speaks 1.40 to an old-but-supported engine, without the one-shot stats it does not know', async () => {
    const { result, requests } = await collectAgainst({ apiVersion: '1.40', version: '19.03.15' });
    expect(result.docker).toMatchObject({ state: 'ok', apiVersion: '1.40' });
    expect(result.containers.map((c) => c.name)).toEqual(['web']);
    expect(requests.find((r) => r.route === 'stats')?.query).toEqual({ stream: 'false' });
  });

  it('refuses an engine older than API 1.40 with an error state that says what to upgrade', async () => {
    const { result, requests } = await collectAgainst({ apiVersion: '1.39', version: '18.09.9' });
    expect(result.docker.state).toBe('error');
    expect(result.docker.message).toBe(
      'Docker Engine - Community 18.09.9 speaks Engine API 1.39, older than the 1.40 Pulse needs; upgrade the engine to Docker 19.03 or later (or Podman 3 or later)',
    );
    expect(requests.map((r) => r.route)).toEqual(['version']);
  });

  it('says Pulse is too old when the engine no longer accepts any version Pulse speaks', () => {
    const answer = readVersion({ ApiVersion: '1.70', MinAPIVersion: '1.60', Version: '40.0.0', Platform: { Name: 'Docker Engine - Community' } });
    expect(() => negotiateApiVersion(answer)).toThrow(/no longer accepts Engine API 1\.53 \(its minimum is 1\.60\); upgrade Pulse/);
  });

  it('renegotiates after the engine is upgraded under it', async () => {
    const { result } = await collectAgainst({ apiVersion: '1.40', version: '19.03.15' });
    expect(result.docker.apiVersion).toBe('1.40');
    // Docker 29 raised its minimum to 1.44 (dive#664): the paths negotiated before the upgrade are
    // refused, and the same collection asks /version again instead of reporting an error.
    engine?.sim.setEngine({ apiVersion: '1.52', minApiVersion: '1.44', version: '29.0.0' });
    engine?.sim.resetMeasurements();
    const after = await collector?.collect();
    expect(after?.docker).toMatchObject({ state: 'ok', apiVersion: '1.52', engine: 'Docker Engine - Community 29.0.0' });
    expect((engine?.sim.requests as Request[]).slice(0, 3).map((r) => `${r.route} ${r.apiVersion ?? '-'}`)).toEqual(['list 1.40', 'version -', 'list 1.52']);
  });

  it('recognises Podman by its version components', () => {
    const answer = readVersion({ ApiVersion: '1.41', MinAPIVersion: '1.24', Version: '5.2.2', Platform: { Name: 'linux/amd64/fedora-40' }, Components: [{ Name: 'Podman Engine', Version: '5.2.2' }] });
    expect(negotiateApiVersion(answer)).toMatchObject({ apiVersion: '1.41', engine: 'Podman Engine 5.2.2', isPodman: true });
  });
});
