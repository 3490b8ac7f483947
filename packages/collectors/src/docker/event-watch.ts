import { setTimeout as delay } from 'node:timers/promises';
import { readEvent } from './engine-answers.js';
import type { ContainerEvent } from './engine-answers.js';
import type { EngineStream } from './engine-client.js';
import { DockerEngineError } from './engine-error.js';

export interface DockerLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export const defaultReconnect: ReconnectPolicy = { initialMs: 1000, maxMs: 30_000 };

/** The container events that change what Pulse shows: state, health, restarts, names, existence. */
export const WATCHED_ACTIONS = ['create', 'start', 'restart', 'die', 'oom', 'health_status', 'pause', 'unpause', 'rename', 'destroy'];

/** The events path, with `since` (engine seconds) to replay what happened while disconnected. */
export function eventsPath(since: number | undefined): string {
  const filters = JSON.stringify({ type: ['container'], event: WATCHED_ACTIONS });
  const query = new URLSearchParams({ filters });
  if (since !== undefined) query.set('since', String(since));
  return `/events?${query.toString()}`;
}

export interface EventWatchOptions {
  /** Opens the stream (negotiating first if needed); `since` in engine seconds. */
  open(since: number | undefined, onLine: (line: string) => void): Promise<EngineStream>;
  onEvent(event: ContainerEvent): void;
  logger: DockerLogger;
  label: string;
  reconnect: ReconnectPolicy;
}

/**
 * Keeps one events stream open until stopped: a dropped or failed stream is reopened after a
 * doubling delay, asking for events since the last one seen; replayed events are not delivered twice.
 */
export function watchContainerEvents(options: EventWatchOptions): { stop(): void } {
  const { logger, label, reconnect } = options;
  const abort = new AbortController();
  let stream: EngineStream | undefined;
  let lastTime: number | undefined;
  // Keys of events delivered in the second `lastTime`, which a reconnect with `since` replays.
  let lastSecondKeys = new Set<string>();
  let deliveredSinceOpen = false;

  function onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new DockerEngineError('docker.bad_json', `the Docker engine at ${label} sent an event line that is not JSON: "${line.slice(0, 80)}"`);
    }
    const event = readEvent(json);
    if (!event) return;
    const time = event.time;
    if (time !== undefined) {
      if (lastTime !== undefined && time < lastTime) return;
      const key = `${event.timeNano ?? ''}|${event.engineId}|${event.action}|${event.health ?? ''}`;
      if (time === lastTime && lastSecondKeys.has(key)) return;
      if (time !== lastTime) lastSecondKeys = new Set();
      lastTime = time;
      lastSecondKeys.add(key);
    }
    deliveredSinceOpen = true;
    try {
      options.onEvent(event);
    } catch (err) {
      logger.warn({ err, engine: label, event }, 'docker events: the event handler threw; the stream goes on');
    }
  }

  async function run(): Promise<void> {
    let attempt = 0;
    while (!abort.signal.aborted) {
      deliveredSinceOpen = false;
      try {
        stream = await options.open(lastTime, onLine);
        if (abort.signal.aborted) stream.close();
        await stream.done;
        if (!abort.signal.aborted) logger.warn({ engine: label }, 'docker events: the engine ended the events stream; reconnecting');
      } catch (err) {
        if (abort.signal.aborted) break;
        logger.warn({ err, engine: label, code: (err as { code?: unknown }).code }, 'docker events: the events stream failed; reconnecting');
      }
      // A stream that delivered something was healthy: start the backoff over.
      attempt = deliveredSinceOpen ? 1 : attempt + 1;
      const wait = Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** (attempt - 1));
      try {
        await delay(wait, undefined, { signal: abort.signal, ref: false });
      } catch {
        break;
      }
    }
  }

  void run();
  return {
    stop() {
      abort.abort();
      stream?.close();
    },
  };
}
