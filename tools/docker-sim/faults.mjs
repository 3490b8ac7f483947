/*
 * Failure injection: what a broken, slow or strange engine does to a request.
 */

/**
 * @typedef {'ping' | 'version' | 'info' | 'list' | 'inspect' | 'stats' | 'events'} Route
 * @typedef {object} Fault
 * @property {Route | '*'} route which requests it hits
 * @property {'delay' | 'hang' | 'garbage' | 'reset' | 'status' | 'oversized'} kind
 *   delay: answer normally after `ms`; hang: never answer; garbage: 200 with a body that is not JSON;
 *   reset: drop the connection; status: answer `status` (default 500) with `message`;
 *   oversized: 200 with a JSON body of `bytes` (default 9 MiB)
 * @property {number} [ms] for delay
 * @property {number} [status]
 * @property {string} [message]
 * @property {number} [bytes]
 * @property {string} [container] only requests about this container (id, id prefix or name)
 * @property {number} [times] only this many requests, then the fault clears itself
 */

export function createFaults() {
  /** @type {Set<Fault & { left: number }>} */
  const active = new Set();
  return {
    /** @returns {{ clear(): void }} */
    add(/** @type {Fault} */ fault) {
      const entry = { ...fault, left: fault.times ?? Infinity };
      active.add(entry);
      return { clear: () => active.delete(entry) };
    },
    clear() {
      active.clear();
    },
    /** The first fault for this request, used up by one if it counts its hits. */
    take(/** @type {Route} */ route, /** @type {{ id: string, name: string } | undefined} */ container) {
      for (const fault of active) {
        if (fault.route !== '*' && fault.route !== route) continue;
        if (fault.container && !(container && (container.id.startsWith(fault.container) || container.name === fault.container))) continue;
        fault.left -= 1;
        if (fault.left <= 0) active.delete(fault);
        return fault;
      }
      return undefined;
    },
  };
}

/**
 * Carries out a fault that replaces the answer. Returns true if the request is taken care of
 * (answered, dropped or left hanging); delay is handled by the caller, which then answers normally.
 */
export function applyFault(/** @type {Fault} */ fault, /** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
  switch (fault.kind) {
    case 'hang':
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'garbage':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('<html><body>502 Bad Gateway</body></html>{"Id":');
      return true;
    case 'status':
      res.writeHead(fault.status ?? 500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: fault.message ?? 'simulated engine failure' }));
      return true;
    case 'oversized': {
      const bytes = fault.bytes ?? 9 * 1024 * 1024;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"padding":"${'x'.repeat(bytes)}"}`);
      return true;
    }
    default:
      return false;
  }
}
