/**
 * A browser's view of the server for bench/proxmox.mjs: @pulse/client (the web app's realtime
 * client) over the `ws` package, subscribed to `resources`. It records when each diff arrived and
 * how old the cycle behind it was, and lets the bench wait for one resource to change.
 */
import WebSocket from 'ws';
import { createClient } from '../../packages/client/dist/index.js';

/**
 * @param {{ wsUrl: string, realtimeToken: () => Promise<string> }} server
 * @param {string} source only diffs of this source's resources count as its cycles (e.g. 'pve:bench')
 */
export async function watchResources(server, source) {
  /** closes by the server, by reason (e.g. 'slow consumer' when a diff or the snapshot overflows the hub's queue) */
  const closes = {};
  const client = createClient({
    url: server.wsUrl, WebSocket, getToken: server.realtimeToken,
    logger: { warn: (o, m) => console.warn('client:', m ?? '', JSON.stringify(o).slice(0, 300)) },
    onStateChange(state, info) {
      if (state === 'reconnecting' && info?.code) closes[`${info.code} ${info.reason ?? ''}`.trim()] = (closes[`${info.code} ${info.reason ?? ''}`.trim()] ?? 0) + 1;
    },
  });
  /** @type {{ at: number, upserts: number, removes: number, bytes: number, cycleAt?: number }[]} */
  const diffs = [];
  /** @type {Set<{ match: (patch: any) => boolean, resolve: (at: number) => void }>} */
  const waiters = new Set();
  let snapshotSize = 0;
  let ready;
  const snapshot = new Promise((resolve) => { ready = resolve; });
  const prefix = `${source}:`;
  client.subscribe('resources', {
    onSnapshot(data) {
      snapshotSize = data.resources.length;
      ready();
    },
    onPublication(data) {
      const at = Date.now();
      // lastSeen of a source's resources is its observation's `at`, the start of the poll cycle.
      let cycleAt;
      for (const patch of data.upsert) {
        if (!patch.id.startsWith(prefix)) continue;
        if (patch.lastSeen !== undefined && (cycleAt === undefined || patch.lastSeen > cycleAt)) cycleAt = patch.lastSeen;
        for (const w of waiters) {
          if (w.match(patch)) {
            waiters.delete(w);
            w.resolve(at);
          }
        }
      }
      diffs.push({ at, upserts: data.upsert.length, removes: data.remove.length, bytes: JSON.stringify(data).length, ...(cycleAt !== undefined ? { cycleAt } : {}) });
    },
    onError(err) {
      console.warn(`resources subscription: ${err.code} ${err.message}`);
    },
  });
  await snapshot;
  return {
    diffs,
    closes,
    get snapshotSize() { return snapshotSize; },
    /** resolves with the wall-clock ms at which a diff with a patch matching `match` arrived */
    waitFor(match, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (at) => { clearTimeout(timer); resolve(at); } };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching diff within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => client.close(),
  };
}
