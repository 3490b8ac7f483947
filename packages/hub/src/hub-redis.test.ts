// Two real hub processes on one real Redis: process A is a child (test-support/hub-process.mjs,
// running the built package), process B is a hub inside this test process built from source.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientInfo, CodecName, ServerFrame, StreamPosition } from '@pulse/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisBroker } from './broker/broker-redis.js';
import { createRedisPresenceStore } from './presence/presence-redis.js';
import { decodeCursor } from './sse-cursor.js';
import { SseReader, startHubServer, TestClient, type HubServer, type SseEvent } from './test-harness.js';
import { deleteKeysWithPrefix, redisUrlForTests, testKeyPrefix } from './test-support/redis.js';
import type { HubStats, Namespace, Principal } from './types.js';

const { url } = await redisUrlForTests();
const prefix = testKeyPrefix();
const codecs: CodecName[] = ['json', 'msgpack'];
const alice: Principal = { id: 'user:alice', name: 'Alice', scopes: ['monitoring:read'] };
const bob: Principal = { id: 'user:bob', name: 'Bob', scopes: ['monitoring:read'] };
const waitLong = { timeout: 5_000, interval: 20 };

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));
const processScript = fileURLToPath(new URL('./test-support/hub-process.mjs', import.meta.url));

/** Why the built hub (and the protocol it imports) that the child runs may not match src/, if so. */
function builtHubProblem(): string | undefined {
  const fix = 'run `npx tsc -b packages/hub` (npm test does it for you)';
  if (!existsSync(join(packagesDir, 'hub/dist/index.js'))) return `packages/hub/dist is missing: ${fix}`;
  // what the packages' tsconfig files exclude from their builds
  const isBuildInput = (path: string) => path.endsWith('.ts') && !path.startsWith('test-support')
    && !/\.(test|contract)\.ts$/.test(path) && basename(path) !== 'test-harness.ts';
  for (const name of ['protocol', 'hub']) {
    // tsc -b touches the build info on every build that saw newer inputs, even when it emitted nothing
    const builtAt = statSync(join(packagesDir, name, 'tsconfig.tsbuildinfo'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const newer = readdirSync(join(packagesDir, name, 'src'), { recursive: true, encoding: 'utf8' })
      .find((path) => isBuildInput(path) && statSync(join(packagesDir, name, 'src', path)).mtimeMs > builtAt);
    if (newer) return `packages/${name}/dist is older than src/${newer}: ${fix}`;
  }
  return undefined;
}

/** Hub process A, driven over IPC. */
class HubProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  readonly exited: Promise<number | null>;
  #nextId = 1;
  port = 0;
  namespaces: Namespace[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`hub process exited (code ${code}) before answering`));
      this.#pending.clear();
      resolve(code);
    }));
    child.on('message', (message: { id?: number; value?: unknown; error?: string }) => {
      const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id!);
      if (message.error === undefined) pending.resolve(message.value);
      else pending.reject(new Error(`hub process: ${message.error}`));
    });
  }

  static async start(redisUrl: string, keyPrefix: string, principal: Principal, env: Record<string, string> = {}): Promise<HubProcess> {
    const child = fork(processScript, [redisUrl, keyPrefix], {
      // not vitest's worker flags: its '--conditions source' would resolve @pulse/protocol to .ts files
      execArgv: [],
      env: { ...process.env, ...env, PULSE_HUB_PRINCIPAL: JSON.stringify(principal) },
    });
    const hubProcess = new HubProcess(child);
    const listening = await new Promise<{ port: number; namespaces: Namespace[] }>((resolve, reject) => {
      child.on('message', (message: { type?: string; port: number; namespaces: Namespace[] }) => {
        if (message.type === 'listening') resolve(message);
      });
      void hubProcess.exited.then((code) => reject(new Error(`hub process exited (code ${code}) before listening`)));
    });
    hubProcess.port = listening.port;
    hubProcess.namespaces = listening.namespaces;
    return hubProcess;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  publish(channel: string, data: unknown): Promise<StreamPosition> {
    return this.#request({ cmd: 'publish', channel, data }) as Promise<StreamPosition>;
  }

  presence(channel: string): Promise<ClientInfo[]> {
    return this.#request({ cmd: 'presence', channel }) as Promise<ClientInfo[]>;
  }

  stats(): Promise<HubStats> {
    return this.#request({ cmd: 'stats' }) as Promise<HubStats>;
  }

  async close(): Promise<number | null> {
    if (this.#child.connected) await this.#request({ cmd: 'close' });
    return this.exited;
  }

  /** Dies the way a crashed process does: no cleanup, no goodbye to Redis. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  #request(command: object): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...command, id });
    });
  }
}

const opened: { close(): void }[] = [];

async function connect(wsUrl: string, codec: CodecName): Promise<{ client: TestClient; connectionId: string }> {
  const client = await TestClient.connect(wsUrl, codec);
  opened.push(client);
  const welcome = await client.request({ type: 'hello', id: 1, version: 1 });
  if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
  return { client, connectionId: welcome.connectionId };
}

function readSse(httpUrl: string, channels: string, headers: Record<string, string> = {}): SseReader {
  const reader = new SseReader(`${httpUrl}/sse?channels=${channels}`, headers);
  opened.push(reader);
  return reader;
}

let nextRequestId = 100;

async function subscribe(client: TestClient, channel: string, since?: StreamPosition): Promise<Extract<ServerFrame, { type: 'ack' }>> {
  const id = nextRequestId++;
  client.send({ type: 'subscribe', id, channel, since });
  const answer = await client.nextMatching((f) => ('id' in f && f.id === id) || f.type === 'error');
  if (answer.type !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(answer)}`);
  return answer;
}

const nextPub = (client: TestClient) => client.nextMatching((f) => f.type === 'pub');
const pubAt = (channel: string, epoch: string, offset: number, data: unknown) => ({ type: 'pub', channel, epoch, offset, data });
const sortedByClient = (list: ClientInfo[]) => [...list].sort((x, y) => (x.client < y.client ? -1 : 1));
const clientIds = (list: ClientInfo[]) => list.map((c) => c.client).sort();
const sseJson = (event: SseEvent) => JSON.parse(event.data) as Record<string, unknown>;

describe.skipIf(!url)('two hub processes sharing one Redis', () => {
  let a: HubProcess;
  let b: HubServer;

  beforeAll(async () => {
    const problem = builtHubProblem();
    if (problem) throw new Error(problem);
    a = await HubProcess.start(url!, prefix, alice);
    b = await startHubServer({
      namespaces: a.namespaces,
      broker: createRedisBroker({ url: url!, prefix }),
      presence: createRedisPresenceStore({ url: url!, prefix }),
    }, bob);
  });

  afterEach(async () => {
    for (const connection of opened.splice(0)) connection.close();
    // every test starts with both processes idle, so its own connections are the only ones
    await vi.waitFor(async () => {
      expect((await a.stats()).connections).toBe(0);
      expect(b.hub.stats().connections).toBe(0);
    }, waitLong);
  });

  afterAll(async () => {
    if (a) expect(await a.close()).toBe(0);
    await b?.close();
    if (url) await deleteKeysWithPrefix(url, prefix);
  });

  describe.each(codecs)('with %s', (codec) => {
    it('delivers a publication made on either process to subscribers on both, numbered alike', async () => {
      const { client: onA } = await connect(a.wsUrl, codec);
      const { client: onB } = await connect(b.wsUrl, codec);
      const ackA = await subscribe(onA, 'feed');
      const ackB = await subscribe(onB, 'feed');
      expect(ackB).toMatchObject({ epoch: ackA.epoch, offset: ackA.offset });
      const { epoch, offset } = ackA as StreamPosition;

      // each ack means its process's Redis SUBSCRIBE is confirmed, so neither can miss these
      expect(await b.hub.publish('feed', { from: 'B' })).toEqual({ epoch, offset: offset + 1 });
      expect(await a.publish('feed', { from: 'A' })).toEqual({ epoch, offset: offset + 2 });
      for (const client of [onA, onB]) {
        expect(await nextPub(client)).toEqual(pubAt('feed', epoch, offset + 1, { from: 'B' }));
        expect(await nextPub(client)).toEqual(pubAt('feed', epoch, offset + 2, { from: 'A' }));
      }
    });

    it('recovers the publications missed while away when the client comes back on the other process', async () => {
      const { client: first } = await connect(a.wsUrl, codec);
      const { epoch, offset: start } = await subscribe(first, 'feed') as StreamPosition;
      for (let n = 1; n <= 3; n++) await a.publish('feed', { n });
      for (let n = 1; n <= 3; n++) expect(await nextPub(first)).toEqual(pubAt('feed', epoch, start + n, { n }));
      const seen = start + 3;
      first.close();
      await vi.waitFor(async () => expect((await a.stats()).subscriptions).toBe(0), waitLong);

      for (let n = 4; n <= 8; n++) await b.hub.publish('feed', { n });
      const { client: again } = await connect(b.wsUrl, codec);
      const ack = await subscribe(again, 'feed', { epoch, offset: seen });
      expect(ack).toMatchObject({ channel: 'feed', epoch, offset: seen + 5, recovered: true });
      for (let n = 4; n <= 8; n++) expect(await again.next()).toEqual(pubAt('feed', epoch, start + n, { n }));

      // nothing else was replayed: the very next frame is the live one, published on the first process
      await a.publish('feed', { n: 9 });
      expect(await again.next()).toEqual(pubAt('feed', epoch, start + 9, { n: 9 }));
    });
  });

  it('answers presence with the union of both processes and sends join and leave across them', async () => {
    const channel = `room:${Math.random().toString(36).slice(2)}`;
    const { client: watcher, connectionId: watcherId } = await connect(a.wsUrl, 'json');
    const { client: onB, connectionId: onBId } = await connect(b.wsUrl, 'msgpack');
    await subscribe(watcher, channel);
    const watcherInfo: ClientInfo = { client: watcherId, user: alice.id, name: alice.name, transport: 'websocket' };
    const onBInfo: ClientInfo = { client: onBId, user: bob.id, name: bob.name, transport: 'websocket' };
    const isJoinOf = (client: string) => (f: ServerFrame) => f.type === 'join' && f.info.client === client;
    expect(await watcher.nextMatching(isJoinOf(watcherId))).toEqual({ type: 'join', channel, info: watcherInfo });

    await subscribe(onB, channel);
    expect(await watcher.nextMatching(isJoinOf(onBId))).toEqual({ type: 'join', channel, info: onBInfo });
    const stream = readSse(b.httpUrl, channel);
    const sseJoin = await watcher.nextMatching((f) => f.type === 'join' && f.info.transport === 'sse');
    const sseInfo = (sseJoin as Extract<ServerFrame, { type: 'join' }>).info;
    expect(sseInfo).toMatchObject({ user: bob.id, name: bob.name, transport: 'sse' });

    // each join is sent after its presence write, so every process now sees all three
    const everyone = sortedByClient([watcherInfo, onBInfo, sseInfo]);
    expect(sortedByClient(await a.presence(channel))).toEqual(everyone);
    expect(sortedByClient(await b.hub.presence(channel))).toEqual(everyone);
    for (const [client, id] of [[watcher, 41], [onB, 42]] as const) {
      client.send({ type: 'presence', id, channel });
      const answer = await client.nextMatching((f) => f.type === 'presence' && f.id === id);
      expect(sortedByClient((answer as Extract<ServerFrame, { type: 'presence' }>).clients)).toEqual(everyone);
    }
    onB.send({ type: 'presence_stats', id: 43, channel });
    expect(await onB.nextMatching((f) => f.type === 'presence_stats')).toEqual({ type: 'presence_stats', id: 43, channel, clients: 3, users: 2 });

    onB.close();
    expect(await watcher.nextMatching((f) => f.type === 'leave')).toEqual({ type: 'leave', channel, info: onBInfo });
    stream.close();
    expect(await watcher.nextMatching((f) => f.type === 'leave')).toEqual({ type: 'leave', channel, info: sseInfo });
    // each leave is sent after its presence entry is removed
    expect(await a.presence(channel)).toEqual([watcherInfo]);
    expect(await b.hub.presence(channel)).toEqual([watcherInfo]);
  });

  it('sends leave for the clients of a process that shuts down, and forgets those of one that crashes', async () => {
    const channel = `room:${Math.random().toString(36).slice(2)}`;
    const { client: watcher, connectionId: watcherId } = await connect(b.wsUrl, 'json');
    await subscribe(watcher, channel);
    const presenceTtlMs = 300;
    const [stopping, crashing] = await Promise.all([alice, { ...alice, id: 'user:carol', name: 'Carol' }]
      .map((principal) => HubProcess.start(url!, prefix, principal, { PULSE_HUB_PRESENCE_TTL_MS: String(presenceTtlMs) })));
    const joined: ClientInfo[] = [];
    for (const hubProcess of [stopping!, crashing!]) {
      const { client, connectionId } = await connect(hubProcess.wsUrl, 'msgpack');
      await subscribe(client, channel);
      const join = await watcher.nextMatching((f) => f.type === 'join' && f.info.client === connectionId);
      joined.push((join as Extract<ServerFrame, { type: 'join' }>).info);
    }
    expect(clientIds(await b.hub.presence(channel))).toEqual([watcherId, ...joined.map((c) => c.client)].sort());

    expect(await stopping!.close()).toBe(0);
    expect(await watcher.nextMatching((f) => f.type === 'leave')).toEqual({ type: 'leave', channel, info: joined[0] });
    expect(clientIds(await b.hub.presence(channel))).not.toContain(joined[0]!.client);

    // nobody is left to send a leave for a crashed process's clients; their entries just expire
    const crashedAt = Date.now();
    await crashing!.kill();
    await vi.waitFor(async () => {
      expect(clientIds(await b.hub.presence(channel))).toEqual([watcherId]);
    }, waitLong);
    expect(Date.now() - crashedAt).toBeLessThan(presenceTtlMs + 1_000);
  });

  it('resumes an SSE stream from its Last-Event-ID on the other process', async () => {
    const first = readSse(a.httpUrl, 'feed');
    const ack = await first.next();
    expect(ack.event).toBe('ack');
    const { epoch, offset: start } = sseJson(ack) as unknown as StreamPosition;
    await b.hub.publish('feed', 'b1');
    await b.hub.publish('feed', 'b2');
    await first.next();
    const last = await first.next();
    expect(sseJson(last)).toEqual(pubAt('feed', epoch, start + 2, 'b2'));
    first.close();
    await vi.waitFor(async () => expect((await a.stats()).subscriptions).toBe(0), waitLong);

    for (const data of ['a3', 'a4', 'a5']) await a.publish('feed', data);
    const resumed = readSse(b.httpUrl, 'feed', { 'last-event-id': last.id! });
    expect(sseJson(await resumed.next())).toEqual({ type: 'ack', channel: 'feed', epoch, offset: start + 5, recovered: true });
    for (const [i, data] of ['a3', 'a4', 'a5'].entries()) {
      expect(sseJson(await resumed.next())).toEqual(pubAt('feed', epoch, start + 3 + i, data));
    }
    await a.publish('feed', 'a6');
    const live = await resumed.next();
    expect(sseJson(live)).toEqual(pubAt('feed', epoch, start + 6, 'a6'));
    expect(decodeCursor(live.id)).toEqual(new Map([['feed', { epoch, offset: start + 6 }]]));
  });

  it('gives a new channel one epoch on every process, including one started later', async () => {
    const channel = `room:${Math.random().toString(36).slice(2)}`;
    const { client: onA } = await connect(a.wsUrl, 'json');
    const ackA = await subscribe(onA, channel);
    expect(ackA.offset).toBe(0);
    const { client: onB } = await connect(b.wsUrl, 'msgpack');
    expect(await subscribe(onB, channel)).toMatchObject({ epoch: ackA.epoch, offset: 0 });
    expect(await b.hub.publish(channel, 1)).toEqual({ epoch: ackA.epoch, offset: 1 });

    const later = await HubProcess.start(url!, prefix, alice);
    try {
      expect(await later.publish(channel, 2)).toEqual({ epoch: ackA.epoch, offset: 2 });
    } finally {
      expect(await later.close()).toBe(0);
    }
  });
});
