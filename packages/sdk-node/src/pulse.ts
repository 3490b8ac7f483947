import type { ApmException, ApmHeartbeat, ApmRouteCounts, ApmSlowRequest } from '@pulse/protocol';
import type { ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { sendBeforeExit } from './crash-flush.js';
import { toApmException, type Mechanism } from './exceptions.js';
import { createHeartbeatSampler } from './heartbeat.js';
import { createIntegrations, type ExpressMiddleware, type FastifyPlugin, type HttpHandler, type WrapHttpOptions } from './integrations.js';
import { resolveSettings, type PulseOptions } from './options.js';
import { installProcessErrorHooks } from './process-errors.js';
import { BoundedQueue } from './queue.js';
import { RequestRecorder } from './requests.js';
import { createSelfErrors } from './self-errors.js';
import { Sender } from './sender.js';
import { createTransport, type Transport } from './transport.js';

export interface PulseStats {
  /** the SDK's own failures (transport errors, a hook that threw), all counted */
  errors: number;
  batchesSent: number;
  batchesDropped: number;
  /** items lost: in dropped batches, overwritten in full queues, or sampled out */
  itemsDropped: number;
  retries: number;
  /** items waiting in the queues now (each queue is capped at maxQueue) */
  queued: number;
}

export interface Pulse {
  readonly instanceId: string;
  /** Records an error the application caught; `context` must serialise as JSON (≤ 8,000 chars). */
  captureException(err: unknown, context?: Record<string, unknown>): void;
  /** Express middleware; mount it first (`app.use(pulse.express())`). */
  express(): ExpressMiddleware;
  /** Fastify plugin: `app.register(pulse.fastifyPlugin)`. */
  readonly fastifyPlugin: FastifyPlugin;
  /** Wraps a `node:http` request handler; `options.route` names the route template. */
  wrapHttpHandler<H extends HttpHandler>(handler: H, options?: WrapHttpOptions): H;
  /** Names the route of a request handled by a wrapped `node:http` handler. */
  setRoute(res: ServerResponse, route: string): void;
  /** For other frameworks: one finished request, with its route template. */
  recordRequest(method: string, route: string, status: number, durationMs: number): void;
  /** Sends everything queued now, the current route counts included. Never rejects. */
  flush(): Promise<void>;
  /** Stops timers and hooks, sends what is queued (bounded by the send timeout) and closes. */
  stop(): Promise<void>;
  stats(): PulseStats;
}

/**
 * Starts the SDK: a heartbeat and route counts every interval, slow requests and exceptions as
 * they happen, all sent in batches from unref'd timers. Throws PulseConfigError for unusable
 * options; after that, nothing it does throws into or blocks the application.
 */
export function start(options: PulseOptions): Pulse {
  const s = resolveSettings(options);
  const { now } = s;
  const errors = createSelfErrors(s.onError, now);
  const instanceId = `${hostname()}:${process.pid}:${now()}`;
  const queues = {
    heartbeats: new BoundedQueue<ApmHeartbeat>(10),
    slow: new BoundedQueue<ApmSlowRequest>(s.maxQueue),
    exceptions: new BoundedQueue<ApmException>(s.maxQueue),
    routes: new BoundedQueue<ApmRouteCounts>(60),
  };
  const transport: Promise<Transport> = createTransport(s.transport);
  transport.catch(() => {}); // reported by the sender on first use, never an unhandled rejection
  const sender = new Sender(transport, queues, { app: s.app, environment: s.environment, maxRetries: s.maxRetries, now, random: Math.random }, errors);
  const onQueued = () => {
    if (queues.slow.size + queues.exceptions.size >= s.batchSize) sender.soon();
  };
  const recorder = new RequestRecorder({
    instanceId, slowThresholdMs: s.slowThresholdMs, slowSampleRate: s.slowSampleRate, maxRoutes: s.maxRoutes,
    slow: queues.slow, now, random: Math.random, onQueued,
  });
  const integrations = createIntegrations(recorder, errors);
  const ttlS = Math.min(3600, Math.max(5, Math.ceil((s.heartbeatIntervalMs * 3) / 1000)));
  const sampler = createHeartbeatSampler({ instanceId, ttlS, appVersion: s.appVersion, now });

  const beat = () => {
    try {
      queues.heartbeats.push(sampler.sample());
      const counts = recorder.cut();
      if (counts) queues.routes.push(counts);
    } catch (err) {
      errors.report('pulse.heartbeat', err);
    }
  };
  const guarded = (code: string, fn: () => void) => () => {
    try { fn(); } catch (err) { errors.report(code, err); }
  };
  beat();
  const heartbeatTimer = setInterval(guarded('pulse.heartbeat', beat), s.heartbeatIntervalMs).unref();
  const flushTimer = setInterval(guarded('pulse.flush', () => sender.tick()), s.flushIntervalMs).unref();
  sender.soon(); // the first heartbeat tells Pulse about the instance at once

  const capture = (err: unknown, mechanism: Mechanism, context?: Record<string, unknown>): boolean => {
    if (s.exceptionSampleRate < 1 && Math.random() >= s.exceptionSampleRate) {
      queues.exceptions.countDropped();
      return false;
    }
    queues.exceptions.push(toApmException(err, mechanism, instanceId, now(), context));
    return true;
  };

  const uninstallHooks = s.captureProcessErrors
    ? installProcessErrorHooks({
        onError(err, mechanism, crashing) {
          try {
            if (!capture(err, mechanism)) return;
            if (!crashing || s.crashFlushTimeoutMs <= 0 || s.transport.kind === 'redis' && s.transport.client) {
              sender.soon();
              return;
            }
            const batch = sender.drain();
            if (batch) sendBeforeExit(s.transport, batch, s.crashFlushTimeoutMs);
          } catch (e) {
            errors.report('pulse.exception', e);
          }
        },
      })
    : () => {};

  const flush = async (): Promise<void> => {
    try {
      const counts = recorder.cut();
      if (counts) queues.routes.push(counts);
      await sender.flush();
    } catch (err) {
      errors.report('pulse.flush', err);
    }
  };

  let stopped = false;
  return {
    instanceId,
    captureException(err, context) {
      try {
        if (capture(err, 'captured', context)) onQueued();
      } catch (e) {
        errors.report('pulse.exception', e);
      }
    },
    express: integrations.express,
    fastifyPlugin: integrations.fastifyPlugin,
    wrapHttpHandler: integrations.wrapHttpHandler,
    setRoute: integrations.setRoute,
    recordRequest(method, route, status, durationMs) {
      try { recorder.record(method, route, status, durationMs); } catch (err) { errors.report('pulse.request', err); }
    },
    flush,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeatTimer);
      clearInterval(flushTimer);
      uninstallHooks();
      sampler.close();
      sender.dispose();
      await flush();
      try { await (await transport).close(); } catch (err) { errors.report('pulse.transport', err); }
    },
    stats() {
      return {
        errors: errors.count,
        ...sender.stats,
        itemsDropped: sender.stats.itemsDropped + queues.slow.droppedTotal + queues.exceptions.droppedTotal
          + queues.heartbeats.droppedTotal + queues.routes.droppedTotal,
        queued: queues.slow.size + queues.exceptions.size + queues.heartbeats.size + queues.routes.size,
      };
    },
  };
}
