// Child for scheduler-queue.redis.test.ts: one check worker process, so killing it is real. It runs
// the BUILT worker (dist), as `pulse worker` would, with a check that calls the test's HTTP target
// (the target records every execution). Prints "ready" once it takes jobs.
const [redisUrl, prefix, workerName, targetUrl] = process.argv.slice(2);
const { startCheckWorker } = await import('../../../../dist/monitors/schedule/check-worker.js');

const run = async (monitor, scheduledAt, attempt, { signal }) => {
  const startedAt = Date.now();
  const res = await fetch(`${targetUrl}/hit?m=${encodeURIComponent(monitor.id)}&s=${scheduledAt}&a=${attempt}&w=${workerName}`, { signal });
  await res.arrayBuffer();
  return {
    monitorId: monitor.id, scheduledAt, startedAt, attempt, worker: workerName,
    status: res.ok ? 'up' : 'down', timings: { totalUs: (Date.now() - startedAt) * 1000 },
  };
};

const worker = startCheckWorker({
  redisUrl, prefix, workerName, run, concurrency: 50,
  // short, so a job the killed sibling held is failed within the test
  lockDurationMs: 2000, stalledIntervalMs: 1000,
  logger: { warn: () => undefined, error: (obj, msg) => console.error(msg, obj) },
});
await worker.ready();
console.log('ready');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
