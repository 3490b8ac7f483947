import type { ApmBatch } from '@pulse/protocol';
import { Worker } from 'node:worker_threads';
import type { TransportConfig } from './transport.js';

/**
 * Sends one batch *synchronously*, from inside the 'uncaughtExceptionMonitor' call after which
 * Node exits: no later tick runs, so an ordinary async send never leaves. A worker thread (its own
 * event loop) does the send while this thread blocks in Atomics.wait, at most `timeoutMs`.
 * Returns whether the worker reported the send finished (sent or not) in time.
 */
export function sendBeforeExit(config: TransportConfig, batch: ApmBatch, timeoutMs: number): boolean {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./crash-flush-worker.js', import.meta.url), {
    workerData: { signal, config: { ...config, unref: false }, batch },
    stdout: true, // the worker's output would otherwise go through this (blocked) thread
    stderr: true,
  });
  worker.unref();
  return Atomics.wait(signal, 0, 0, timeoutMs) !== 'timed-out';
}
