import type { ApmBatch, ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './queue.js';
import { createSelfErrors } from './self-errors.js';
import { Sender } from './sender.js';
import type { SendOutcome, Transport } from './transport.js';

function setup(outcomes: SendOutcome[], maxRetries = 2) {
  let t = 1_000_000;
  const sent: ApmBatch[] = [];
  const transport: Transport = {
    async send(batch) {
      sent.push(batch);
      return outcomes.shift() ?? { outcome: 'ok' };
    },
    async close() {},
  };
  const queues = {
    heartbeats: new BoundedQueue<ApmHeartbeat>(10),
    slow: new BoundedQueue<ApmSlowRequest>(3),
    exceptions: new BoundedQueue<ApmException>(3),
    routes: new BoundedQueue<ApmRouteCounts>(10),
  };
  const reported: string[] = [];
  const errors = createSelfErrors((e) => reported.push(e.message), () => t);
  const sender = new Sender(Promise.resolve(transport), queues, { app: 'a', environment: 'test', maxRetries, now: () => t, random: () => 1 }, errors);
  const slow = (n: number): ApmSlowRequest => ({ at: n, instanceId: 'i', method: 'GET', route: '/r', status: 200, durationMs: n });
  const advance = (ms: number) => { t += ms; };
  return { sender, queues, sent, slow, advance, reported, errors };
}

describe('Sender', () => {
  it('drops the oldest items of a full queue and reports how many in the next batch', async () => {
    const { sender, queues, sent, slow } = setup([]);
    for (let i = 1; i <= 5; i++) queues.slow.push(slow(i));
    queues.slow.countDropped(2); // sampled out
    await sender.flush();
    expect(sent[0]?.slow.map((s) => s.at)).toEqual([3, 4, 5]);
    expect(sent[0]?.dropped).toEqual({ slow: 4, exceptions: 0 });
  });

  it('backs off exponentially after a retryable failure, resends the same batch, then gives up', async () => {
    const err = new Error('503');
    const { sender, queues, sent, slow, advance, errors } = setup([
      { outcome: 'retry', error: err }, { outcome: 'retry', error: err }, { outcome: 'retry', error: err },
    ]);
    queues.slow.push(slow(1));
    await sender.flush();
    expect(sent).toHaveLength(1);
    sender.tick(); // still inside the 1 s backoff (random() = 1 → full backoff)
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    advance(1_000);
    sender.tick();
    await sender.settled();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    advance(1_999);
    sender.tick();
    expect(sent).toHaveLength(2); // second backoff is 2 s
    advance(1);
    sender.tick();
    await sender.settled();
    expect(sent).toHaveLength(3);
    expect(sender.stats).toMatchObject({ batchesSent: 0, batchesDropped: 1, itemsDropped: 1, retries: 2 });
    expect(errors.count).toBe(3);
  });

  it('drops a batch Pulse refuses with a 4xx at once and reports errors at most once a minute', async () => {
    const { sender, queues, sent, slow, advance, reported } = setup([
      { outcome: 'drop', error: new Error('401') }, { outcome: 'drop', error: new Error('401') }, { outcome: 'drop', error: new Error('401') },
    ]);
    for (let i = 0; i < 3; i++) {
      queues.slow.push(slow(i));
      await sender.flush();
      advance(40_000);
    }
    expect(sent).toHaveLength(3);
    expect(sender.stats).toMatchObject({ batchesDropped: 3, retries: 0 });
    expect(reported).toEqual(['pulse.transport: 401', 'pulse.transport: 401']); // at 0 s and 80 s; 40 s suppressed
  });

  it('sends nothing when there is nothing to send', async () => {
    const { sender, sent } = setup([]);
    await sender.flush();
    expect(sent).toHaveLength(0);
  });
});
