/**
 * The server bench/apm.mjs loads: a hello-world node:http server, bare (`plain`) or instrumented
 * by the BUILT @pulse/node (`sdk`, sending to the sink at PULSE_BENCH_APM_SINK every 2 s, with its
 * defaults otherwise: 10 s heartbeats and route counts, slow threshold 1 s). Prints its port, and
 * on SIGUSR2 how many batches the SDK sent, so the bench can check the SDK really worked.
 *
 *   node bench/lib/apm-server.mjs plain|sdk
 */
import { createServer } from 'node:http';

const mode = process.argv[2];
const body = Buffer.from('hello world');
const hello = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
};

let handler = hello;
let pulse;
if (mode === 'sdk') {
  const { start } = await import('../../packages/sdk-node/dist/index.js');
  pulse = start({ app: 'bench', endpoint: process.env.PULSE_BENCH_APM_SINK, token: 'bench', captureProcessErrors: true });
  const route = () => '/hello';
  handler = pulse.wrapHttpHandler(hello, { route });
} else if (mode !== 'plain') {
  console.error('usage: apm-server.mjs plain|sdk');
  process.exit(2);
}

const server = createServer({ keepAlive: true }, handler);
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGUSR2', () => {
  console.log(JSON.stringify({ stats: pulse ? pulse.stats() : null }));
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
