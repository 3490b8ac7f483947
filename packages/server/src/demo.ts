import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConnectionService } from './connections/index.js';

/*
 * `pulse serve --demo`: a newcomer sees a populated dashboard at once. It starts the Proxmox API
 * double from tools/ (a PVE 9 cluster with Ceph, a Backup Server holding its backups, a Mail
 * Gateway) on loopback and adds them as ordinary connections, so everything after that is the
 * production path. Data goes to a fresh temporary directory so demo connections never end up in a
 * real installation.
 */

interface Sim {
  urls: string[];
  fingerprint: string;
  close(): Promise<void>;
}
type StartSim = (options: Record<string, unknown>) => Promise<Sim>;

const SIM_MODULE = '../../../tools/proxmox-sim/index.mjs';
const TOKEN = { tokenId: 'pulse-monitor@pve!pulse', secret: 'demo-not-a-secret' };

export interface Demo {
  /** where the demo keeps its data */
  dataDir: string;
  /** adds the simulated servers as connections to a running Pulse */
  connect(connections: ConnectionService): Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulated Proxmox servers; call before Pulse so their ports are known. */
export async function startDemo(logger: Logger, options: { guests?: number } = {}): Promise<Demo> {
  let startSim: StartSim;
  try {
    ({ startProxmoxSim: startSim } = (await import(SIM_MODULE)) as { startProxmoxSim: StartSim });
  } catch (err) {
    throw new Error(`--demo needs tools/proxmox-sim from the source tree (${(err as Error).message})`);
  }
  const guests = options.guests ?? 36;
  const common = { realtime: true, seed: 7, guests, tokens: [TOKEN], host: '127.0.0.1' };
  const sims = {
    pve: await startSim({ ...common, product: 'pve', nodes: 3, version: 9, ceph: true, cluster: 'homelab', ports: [0, 0, 0] }),
    pbs: await startSim({ ...common, product: 'pbs' }),
    pmg: await startSim({ ...common, product: 'pmg', nodes: 1 }),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-demo-'));
  logger.info({ dataDir, pve: sims.pve.urls, pbs: sims.pbs.urls, pmg: sims.pmg.urls }, 'demo: simulated Proxmox VE cluster, Backup Server and Mail Gateway started');
  return {
    dataDir,
    async connect(connections) {
      const existing = new Set((await connections.list()).map((c) => c.name));
      for (const [product, sim] of Object.entries(sims)) {
        const name = `demo-${product}`;
        if (existing.has(name)) continue;
        await connections.create({
          name, product, endpoints: sim.urls, tls: { fingerprint: sim.fingerprint },
          auth: { kind: 'token', tokenId: TOKEN.tokenId, secret: TOKEN.secret },
          ...(product === 'pve' ? {} : { intervalMs: 15_000 }),
        }, 'demo');
      }
    },
    async close() {
      await Promise.all(Object.values(sims).map((s) => s.close()));
      // Demo data is throwaway by design: nothing of it should outlive the process.
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
