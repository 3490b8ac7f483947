import type { Hub, HubStats } from '@pulse/hub';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

type StatKey = Exclude<keyof HubStats, 'disconnects'>;

/** pulse_* figures read from the hub's counters at scrape time: [name, help, kind, hub stat]. */
const HUB_FIGURES: Array<[string, string, 'gauge' | 'counter', StatKey]> = [
  ['pulse_connections_active', 'Open realtime connections (WebSocket and SSE)', 'gauge', 'connections'],
  ['pulse_connections_total', 'Realtime connections accepted since start', 'counter', 'connectionsTotal'],
  ['pulse_subscriptions_active', 'Channel subscriptions across all connections', 'gauge', 'subscriptions'],
  ['pulse_channels_active', 'Channels with at least one subscriber', 'gauge', 'channels'],
  ['pulse_messages_total', 'Frames sent to clients', 'counter', 'messagesSent'],
  ['pulse_messages_bytes', 'Bytes of frames sent to clients', 'counter', 'bytesSent'],
  ['pulse_frames_received_total', 'Frames received from clients', 'counter', 'framesReceived'],
  ['pulse_error_frames_total', 'Error frames sent to clients', 'counter', 'errorsSent'],
];

/**
 * The Prometheus registry behind /metrics: Node process metrics plus pulse_* read from the hub
 * and the resource registry at scrape time (no work between scrapes).
 */
export function createMetrics(sources: { hub: () => Hub | undefined; resourceCount: () => number }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const [name, help, kind, stat] of HUB_FIGURES) {
    const read = () => Number(sources.hub()?.stats()[stat] ?? 0);
    if (kind === 'gauge') {
      new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    } else {
      // The hub keeps the running total; a scrape copies it rather than counting twice.
      new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read()); } });
    }
  }
  new Counter({ name: 'pulse_disconnects_total', help: 'Realtime disconnects by reason', labelNames: ['reason'], registers: [registry], collect() {
    this.reset();
    for (const [reason, n] of Object.entries(sources.hub()?.stats().disconnects ?? {})) this.inc({ reason }, n);
  } });
  new Gauge({ name: 'pulse_resources', help: 'Resources in the registry', registers: [registry], collect() {
    this.set(sources.resourceCount());
  } });
  return registry;
}
