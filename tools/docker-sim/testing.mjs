import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerSimulator } from './simulator.mjs';

/**
 * Starts a simulator for one test on a fresh unix socket (and TCP, with or without mutual TLS, if
 * asked); `close()` stops it and removes the socket's directory.
 * @param {import('./simulator.mjs').SimulatorOptions} [options]
 * @param {{ tcp?: boolean, tls?: boolean }} [listen]
 */
export async function startTestEngine(options = {}, listen = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-dsim-'));
  const socketPath = join(dir, 'docker.sock');
  const sim = createDockerSimulator(options);
  const { url } = await sim.listen({ socketPath });
  const tcp = listen.tcp || listen.tls ? await sim.listen({ port: 0, tls: listen.tls ?? false }) : undefined;
  return {
    sim,
    socketPath,
    /** unix:///…/docker.sock */
    url,
    /** tcp://127.0.0.1:port or https://127.0.0.1:port */
    tcpUrl: tcp?.url,
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
