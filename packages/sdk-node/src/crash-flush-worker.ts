// The worker of crash-flush.ts: sends the batch it was given and wakes the dying thread.
import { workerData } from 'node:worker_threads';
import { createTransport, type TransportConfig } from './transport.js';
import type { ApmBatch } from '@pulse/protocol';

const { signal, config, batch } = workerData as { signal: Int32Array; config: TransportConfig; batch: ApmBatch };
try {
  const transport = await createTransport(config);
  await transport.send(batch, true);
  await transport.close();
} finally {
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
