/*
 * Failure injection: what a slow, broken or overloaded Proxmox server does to a request. A fault
 * matches by path (a prefix, `*` for one segment, or a RegExp on the path after /api2/json), by the
 * node named in the path, and/or by the port (the cluster member) the request reached.
 */

/**
 * @typedef {object} Fault
 * @property {'latency' | 'hang' | 'stall' | 'status' | 'garbage' | 'truncated' | 'reset'} kind
 *   latency: answer normally after `ms`; hang: accept and never answer; stall: send the headers and
 *   half the body, then nothing; status: answer `status` (500, 502, 408, 429 …) with `message` and
 *   `retryAfter` (seconds, as Retry-After); garbage: 200 with an HTML body; truncated: 200 with JSON
 *   cut in the middle; reset: drop the connection
 * @property {string | RegExp} [path]
 * @property {string} [node]
 * @property {number} [port]
 * @property {number} [ms]
 * @property {number} [status]
 * @property {string} [message]
 * @property {number} [retryAfter]
 * @property {number} [times] only this many requests, then the fault clears itself
 */

function pathMatcher(/** @type {string | RegExp | undefined} */ p) {
  if (!p) return () => true;
  if (p instanceof RegExp) return (/** @type {string} */ path) => p.test(path);
  const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}(/|$)`);
  return (/** @type {string} */ path) => re.test(path);
}

export function createFaults() {
  /** @type {Set<Fault & { left: number, matches: (path: string) => boolean }>} */
  const active = new Set();
  return {
    /** @returns {{ clear(): void }} */
    add(/** @type {Fault} */ fault) {
      const entry = { ...fault, left: fault.times ?? Infinity, matches: pathMatcher(fault.path) };
      active.add(entry);
      return { clear: () => active.delete(entry) };
    },
    clear() { active.clear(); },
    /** The first fault for this request, used up by one if it counts its hits. */
    take(/** @type {{ path: string, node?: string, port: number }} */ req) {
      for (const f of active) {
        if (!f.matches(req.path) || (f.node && f.node !== req.node) || (f.port !== undefined && f.port !== req.port)) continue;
        f.left -= 1;
        if (f.left <= 0) active.delete(f);
        return f;
      }
      return undefined;
    },
  };
}

/** Carries out a fault that replaces the answer (everything but latency). */
export function applyFault(/** @type {Fault} */ f, /** @type {import('node:http').IncomingMessage} */ req, /** @type {import('node:http').ServerResponse} */ res) {
  const json = { 'Content-Type': 'application/json;charset=UTF-8' };
  switch (f.kind) {
    case 'hang':
      return;
    case 'reset':
      req.socket.destroy();
      return;
    case 'stall':
      res.writeHead(200, { ...json, 'Content-Length': '4096' });
      res.write('{"data":[{"id":"qemu/100","type":"qemu","status":"running","cpu":0.01},');
      return;
    case 'garbage':
      res.writeHead(200, json);
      res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      return;
    case 'truncated':
      res.writeHead(200, json);
      res.end('{"data":[{"id":"qemu/100","type":"qemu","status":"runn');
      return;
    default: {
      const status = f.status ?? 500;
      res.statusMessage = f.message ?? (status === 429 ? 'Too Many Requests' : 'simulated failure');
      res.writeHead(status, { ...json, ...(f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {}) });
      res.end('{"data":null}');
    }
  }
}
