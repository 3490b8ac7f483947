/**
 * The SDK's request path alone, in one process, for bench/apm.mjs: a node:http-like response (an
 * EventEmitter with `req` and `statusCode`) goes through a bare handler and through
 * `pulse.wrapHttpHandler(handler)`; both then emit 'finish' as node:http does. The difference per
 * request is what the SDK adds, without the network stack's noise. Like node:http, the response
 * already has a 'finish' listener of its own, so the SDK's makes it an array. Prints JSON.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { start } from '../../packages/sdk-node/dist/index.js';

const N = Number(process.argv[2] ?? 2_000_000);
const pulse = start({ app: 'bench', endpoint: 'http://127.0.0.1:9', token: 't', captureProcessErrors: false, flushIntervalMs: 3_600_000 });
const req = { method: 'GET', url: '/hello' };
const handler = (_req, res) => { res.statusCode = 200; };
const wrapped = pulse.wrapHttpHandler(handler, { route: () => '/hello' });

function resOnFinish() {}
class FakeResponse extends EventEmitter {
  constructor() { super(); this.req = req; this.statusCode = 0; this.on('finish', resOnFinish); }
}

function run(h, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const res = new FakeResponse();
    h(req, res);
    res.emit('finish');
  }
  return ((performance.now() - t0) * 1e3) / n; // µs per request
}

const samples = { plain: [], sdk: [] };
run(handler, N / 4);
run(wrapped, N / 4);
for (let i = 0; i < 6; i++) {
  samples.plain.push(run(handler, N / 6));
  samples.sdk.push(run(wrapped, N / 6));
}
const min = (xs) => Math.min(...xs);
console.log(JSON.stringify({ plainUs: min(samples.plain), sdkUs: min(samples.sdk), overheadUs: min(samples.sdk) - min(samples.plain), samples }));
await pulse.stop();
