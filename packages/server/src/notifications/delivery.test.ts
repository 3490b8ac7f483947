import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSecretBox } from '../secrets/index.js';
import { openDatabase } from '../store/database.js';
import { createStateStore, type StateStore } from '../store/index.js';
import { createNotifier, type NotifierDeps } from './notifier.js';
import { type Answer, type Receiver, sampleNotification, startReceiver } from './test-receiver.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

/** A notifier over a real SQLite store, on a simulated clock with the jitter pinned to none. */
async function setup(options: Partial<NotifierDeps> = {}, store?: StateStore) {
  if (!store) {
    store = createStateStore(await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'pulse-delivery-')) }));
    const opened = store;
    cleanups.push(() => opened.close());
  }
  const clock = { t: 1_700_000_000_000 };
  const logs: string[] = [];
  const log = (obj: object, msg?: string) => void logs.push(JSON.stringify({ obj, msg }));
  const notifier = createNotifier({
    store, box: options.box ?? createSecretBox(randomBytes(32)), now: () => clock.t, logger: { info: log, warn: log, error: log },
    sendTimeoutMs: 300, random: () => 0.5, ...options,
  });
  cleanups.push(() => notifier.stop());
  const receiver = async (answer?: (req: unknown, i: number) => Answer) => {
    const r = await startReceiver(answer);
    cleanups.push(r.close);
    return r;
  };
  const webhook = async (r: Receiver, name = 'hook') =>
    (await notifier.channels.create({ name, type: 'webhook', config: { url: `${r.url}/hook/tok3n-in-url` }, minSeverity: 'info' }, 'user:admin')).id;
  /** one delivery pass and everything it started, finished */
  const pass = async () => {
    await notifier.delivery.pump();
    await notifier.delivery.idle();
  };
  return { store, clock, logs, notifier, receiver, webhook, pass };
}

describe('delivery', () => {
  it('retries a 500 after the backoff on the simulated clock, then delivers with the same delivery id', async () => {
    const { clock, notifier, receiver, webhook, pass } = await setup();
    const r = await receiver((_, i) => i === 0 ? { status: 500, body: 'boom' } : {});
    await webhook(r);
    const n = sampleNotification();
    await notifier.enqueue(n);
    await notifier.delivery.idle();
    const [first] = await notifier.deliveries();
    expect(first).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: clock.t + 30_000, lastError: 'The webhook answered HTTP 500: boom' });
    clock.t += 29_999;
    await pass();
    expect(r.requests).toHaveLength(1);
    clock.t += 1;
    await pass();
    expect(r.requests).toHaveLength(2);
    expect(r.requests.map((q) => q.headers['x-pulse-delivery'])).toEqual([n.id, n.id]);
    expect(await notifier.deliveries()).toMatchObject([{ state: 'sent', attempts: 2, sentAt: clock.t }]);
  });

  it('times out a hanging channel and retries it, while the other channel is delivered meanwhile', async () => {
    // A timeout long enough that, even on a loaded machine, the other channel is done well before it.
    const { notifier, receiver, webhook } = await setup({ sendTimeoutMs: 2000 });
    const hang = await receiver(() => 'hang');
    const fine = await receiver();
    const slowId = await webhook(hang, 'slow');
    const fastId = await webhook(fine, 'fast');
    await notifier.enqueue(sampleNotification());
    await vi.waitFor(async () => {
      const byChannel = Object.fromEntries((await notifier.deliveries()).map((d) => [d.channelId, d.state]));
      expect(byChannel).toEqual({ [slowId]: 'sending', [fastId]: 'sent' });
    }, { timeout: 1500, interval: 20 });
    await notifier.delivery.idle();
    const slow = (await notifier.deliveries({ channelId: slowId }))[0];
    expect(slow).toMatchObject({ state: 'queued', attempts: 1, lastError: 'The webhook did not answer in time' });
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    const { clock, notifier, receiver, webhook, pass } = await setup();
    const r = await receiver((_, i) => i === 0 ? { status: 429, headers: { 'retry-after': '120' } } : {});
    await webhook(r);
    await notifier.enqueue(sampleNotification());
    await notifier.delivery.idle();
    expect(await notifier.deliveries()).toMatchObject([{ state: 'queued', nextAttemptAt: clock.t + 120_000 }]);
    clock.t += 119_000;
    await pass();
    expect(r.requests).toHaveLength(1);
    clock.t += 1000;
    await pass();
    expect(await notifier.deliveries()).toMatchObject([{ state: 'sent' }]);
  });

  it('backs off doubling, goes dead after the last attempt, lists it, and delivers it once retried', async () => {
    const { clock, notifier, receiver, webhook, pass, logs } = await setup({ backoff: { maxAttempts: 3 } });
    let healthy = false;
    const r = await receiver(() => healthy ? {} : { status: 502 });
    await webhook(r);
    await notifier.enqueue(sampleNotification());
    await notifier.delivery.idle();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [d] = await notifier.deliveries();
      delays.push(d!.nextAttemptAt - clock.t);
      clock.t = d!.nextAttemptAt;
      await pass();
    }
    expect(delays).toEqual([30_000, 60_000]);
    const [dead] = await notifier.deliveries({ state: 'dead' });
    expect(dead).toMatchObject({ attempts: 3, lastError: 'The webhook answered HTTP 502', kind: 'firing', title: 'CPU high on pve1' });
    healthy = true;
    await notifier.retry(dead!.id);
    await notifier.delivery.idle();
    expect(await notifier.deliveries()).toMatchObject([{ id: dead!.id, state: 'sent', attempts: 1 }]);
    expect(r.requests).toHaveLength(4);
    await expect(notifier.retry(dead!.id)).rejects.toMatchObject({ code: 'delivery.not_dead' });
    expect(logs.join('\n')).not.toContain('tok3n-in-url');
  });

  it('gives up at once on a 4xx that a retry cannot fix', async () => {
    const { notifier, receiver, webhook } = await setup();
    const r = await receiver(() => ({ status: 404, body: '{"message":"no such hook"}' }));
    await webhook(r);
    await notifier.enqueue(sampleNotification());
    await notifier.delivery.idle();
    expect(await notifier.deliveries()).toMatchObject([{ state: 'dead', attempts: 1, lastError: 'The webhook answered HTTP 404: no such hook' }]);
  });

  it('keeps a channel in order: a resolve waits until its trigger is delivered', async () => {
    const { clock, notifier, receiver, webhook, pass } = await setup();
    const r = await receiver((_, i) => i === 0 ? { status: 503 } : {});
    await webhook(r);
    await notifier.enqueue(sampleNotification('firing'));
    await notifier.enqueue(sampleNotification('resolved'));
    await notifier.delivery.idle();
    expect(r.requests).toHaveLength(1);
    clock.t += 30_000;
    await pass();
    expect(r.requests.map((q) => JSON.parse(q.body).kind)).toEqual(['firing', 'firing', 'resolved']);
  });

  it('treats a second enqueue of the same notification as a no-op', async () => {
    const { notifier, receiver, webhook } = await setup();
    const r = await receiver();
    await webhook(r);
    const n = sampleNotification();
    await notifier.enqueue(n);
    await notifier.enqueue(n);
    await notifier.delivery.idle();
    await notifier.enqueue(n);
    await notifier.delivery.idle();
    expect(await notifier.deliveries()).toHaveLength(1);
    expect(r.requests).toHaveLength(1);
  });

  it('queues again at start what was being sent when the process stopped, and delivers it', async () => {
    const box = createSecretBox(randomBytes(32));
    const before = await setup({ box });
    const r = await before.receiver();
    const channelId = await before.webhook(r);
    await before.notifier.outbox.enqueue(sampleNotification(), [channelId]);
    const [row] = await before.notifier.outbox.heads();
    // The crash: claimed with a lease far in the future, never finished.
    expect(await before.notifier.outbox.claim(row!.id, before.clock.t + 86_400_000)).toBe(true);
    const after = await setup({ box }, before.store);
    await after.notifier.start();
    await after.notifier.stop();
    expect(await after.notifier.deliveries()).toMatchObject([{ id: row!.id, state: 'sent', attempts: 1 }]);
    expect(r.requests).toHaveLength(1);
  });
});
