import { describe, expect, it } from 'vitest';
import { MemoryBroker } from './broker-memory.js';
import { recordingHandlers, runBrokerContract } from './broker.contract.js';

runBrokerContract('MemoryBroker', async () => new MemoryBroker());

describe('MemoryBroker', () => {
  const kept = { size: 10, ttlMs: 1_000 };

  async function startedBroker(options: ConstructorParameters<typeof MemoryBroker>[0] = {}) {
    const broker = new MemoryBroker(options);
    const received = recordingHandlers();
    await broker.start(received.handlers);
    return { broker, received };
  }

  it('has delivered a publication by the time publish returns, before the promise resolves', async () => {
    const { broker, received } = await startedBroker();
    void broker.publish('ch', 'first', kept);
    expect(received.publications.map((p) => p.data)).toEqual(['first']);
    await broker.close();
  });

  it('expires kept publications ttlMs after they were published, on the injected clock', async () => {
    let now = 1_000_000;
    const { broker } = await startedBroker({ now: () => now });
    const start = (await broker.history('ch', {}, kept)).position;
    await broker.publish('ch', 1, kept);
    now += 600;
    await broker.publish('ch', 2, kept);
    now += 399;
    expect((await broker.history('ch', { since: start }, kept)).recovered).toBe(true);
    now += 1;
    const partly = await broker.history('ch', { since: start }, kept);
    expect(partly.recovered).toBe(false);
    expect(partly.publications.map((p) => p.data)).toEqual([2]);
    await broker.close();
  });

  it('forgets an idle channel that keeps nothing after metaTtlMs, which starts a new epoch', async () => {
    let now = 0;
    const { broker } = await startedBroker({ now: () => now, metaTtlMs: 10_000 });
    const first = await broker.publish('ch', 1, { size: 0, ttlMs: 1_000 });
    now += 9_999;
    broker.forgetIdleChannels();
    expect((await broker.history('ch', {}, kept)).position).toEqual(first);
    now += 10_000;
    broker.forgetIdleChannels();
    const next = await broker.publish('ch', 2, kept);
    expect(next.offset).toBe(1);
    expect(next.epoch).not.toBe(first.epoch);
    await broker.close();
  });

  it('keeps a channel while a publication is still recoverable, however long it was idle', async () => {
    let now = 0;
    const { broker } = await startedBroker({ now: () => now, metaTtlMs: 10 });
    const first = await broker.publish('ch', 1, { size: 1, ttlMs: 60_000 });
    now += 59_999;
    broker.forgetIdleChannels();
    expect((await broker.history('ch', { latest: true }, { size: 1, ttlMs: 60_000 })).position).toEqual(first);
    await broker.close();
  });

  it('stays exact over thousands of publications trimmed by a byte bound', async () => {
    const { broker } = await startedBroker();
    const bounded = { size: 1_000, ttlMs: 60_000, maxBytes: 10_000 };
    // "n" with padding to 1,000 characters: 1,002 bytes of JSON, so 9 fit in 10,000
    const start = (await broker.history('ch', {}, bounded)).position;
    for (let n = 1; n <= 5_000; n += 1) await broker.publish('ch', `${n}`.padEnd(1_000), bounded);
    const result = await broker.history('ch', { since: { epoch: start.epoch, offset: 4_991 } }, bounded);
    expect(result.recovered).toBe(true);
    expect(result.publications.map((p) => p.offset)).toEqual([4_992, 4_993, 4_994, 4_995, 4_996, 4_997, 4_998, 4_999, 5_000]);
    expect((await broker.history('ch', { since: { epoch: start.epoch, offset: 4_990 } }, bounded)).recovered).toBe(false);
    await broker.close();
  });

  it('forgets the bytes of publications that expired, so they do not crowd out newer ones', async () => {
    let now = 0;
    const { broker } = await startedBroker({ now: () => now });
    const bounded = { size: 100, ttlMs: 1_000, maxBytes: 3_500 };
    const kilobyte = 'x'.repeat(1_000);
    for (let n = 0; n < 3; n += 1) await broker.publish('ch', kilobyte, bounded);
    now += 1_000;
    broker.forgetIdleChannels();
    const since = (await broker.history('ch', {}, bounded)).position;
    for (let n = 0; n < 3; n += 1) await broker.publish('ch', kilobyte, bounded);
    const result = await broker.history('ch', { since }, bounded);
    expect(result.recovered).toBe(true);
    expect(result.publications.map((p) => p.offset)).toEqual([4, 5, 6]);
    await broker.close();
  });

  it('refuses to publish before start', async () => {
    await expect(new MemoryBroker().publish('ch', 1, kept)).rejects.toThrow(/start/);
  });
});
