/**
 * Load generator for bench/agent.mjs's ingest figure (forked; talks to its parent over IPC).
 *
 * Many enrolled agents, each with its own token and keep-alive connection, each posting one report
 * per request and the next as soon as the answer comes back: the server's ceiling, not a cadence.
 * Reports are what a real agent sends (the parent read this machine and the Docker simulator once);
 * each carries its agent's runId, a growing seq and the current time, so the server applies every one
 * rather than acknowledging duplicates. The body is gzip like the agent's; to keep the generator
 * cheap, the large constant middle of the report is compressed once and the few changing bytes go
 * in small gzip members around it (one gzip stream of several members, which the agent sends too).
 *
 * Messages: in `{ type: 'start', base, tokens, report, warmupMs, windowMs }`; out `{ type: 'mark',
 * phase: 'start' | 'end', ... }` at the window's edges (the parent reads the server's CPU then) and
 * `{ type: 'done', ... }`.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const GZIP = { level: 1 };

function encoder(report) {
  const { host, containers, docker, agent } = report;
  // `{"reports":[{"v":1,"runId":…,"seq":…,"at":…,` + MIDDLE + `<sentAt>}`
  const middle = gzipSync(`"intervalMs":1000,"agent":${JSON.stringify(agent)},"host":${JSON.stringify(host)},"containers":${JSON.stringify(containers)}${docker ? `,"docker":${JSON.stringify(docker)}` : ''}}],"sentAt":`, GZIP);
  const rawMiddle = middle.length;
  return (runId, seq, at) => {
    const head = gzipSync(`{"reports":[{"v":1,"runId":"${runId}","seq":${seq},"at":${at},`, GZIP);
    const tail = gzipSync(`${at}}`, GZIP);
    return { body: Buffer.concat([head, middle, tail]), rawMiddle };
  };
}

async function run({ base, tokens, report, warmupMs, windowMs }) {
  const url = new URL('/api/agents/report', base);
  const encode = encoder(report);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
  const counts = { accepted: 0, duplicates: 0, rejected: 0, failed: 0, requests: 0 };
  const latencies = [];
  let phase = 'warmup';
  let running = true;
  let firstError;

  const post = (token, body) => new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST', agent: httpAgent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on('error', (err) => resolve({ status: 0, text: err.message }));
    });
    req.on('error', (err) => resolve({ status: 0, text: err.message }));
    req.end(body);
  });

  async function agentLoop(token) {
    const runId = randomUUID();
    let seq = 0;
    while (running) {
      const { body } = encode(runId, seq++, Date.now());
      const t0 = performance.now();
      const res = await post(token, body);
      const ms = performance.now() - t0;
      if (phase !== 'window') continue;
      counts.requests++;
      if (res.status === 200) {
        const answer = JSON.parse(res.text);
        counts.accepted += answer.accepted;
        counts.duplicates += answer.duplicates;
        counts.rejected += answer.rejected;
        latencies.push(ms);
      } else {
        counts.failed++;
        firstError ??= `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
      }
    }
  }

  const loops = tokens.map((token) => agentLoop(token));
  await new Promise((r) => setTimeout(r, warmupMs));
  phase = 'window';
  const t0 = performance.now();
  process.send({ type: 'mark', phase: 'start' });
  await new Promise((r) => setTimeout(r, windowMs));
  phase = 'after';
  const wallS = (performance.now() - t0) / 1000;
  process.send({ type: 'mark', phase: 'end' });
  running = false;
  await Promise.all(loops);
  httpAgent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))];
  const sample = encode('00000000-0000-0000-0000-000000000000', 0, Date.now()).body;
  process.send({
    type: 'done', wallS, ...counts, firstError,
    p50Ms: pct(0.5), p99Ms: pct(0.99), bodyBytes: sample.length,
    rawBytes: JSON.stringify({ reports: [report], sentAt: 0 }).length,
  });
}

process.once('message', (message) => {
  run(message).then(() => process.exit(0), (err) => {
    process.send({ type: 'failed', message: err.stack ?? String(err) });
    process.exit(1);
  });
});
