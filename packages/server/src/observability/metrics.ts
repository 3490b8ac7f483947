import type { Hub, HubStats } from '@pulse/hub';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type StatKey = 'connections' | 'connectionsTotal' | 'subscriptions' | 'channels' | 'messagesSent' | 'bytesSent'
  | 'messagesReceived' | 'bytesReceived' | 'errorsSent' | 'dropped' | 'queuedBytes';
type LabelledStat = Extract<keyof HubStats, 'disconnects' | 'disconnectCodes' | 'errors'>;

/** pulse_* figures read from the hub's counters at scrape time: [name, help, kind, hub stat]. */
const HUB_FIGURES: Array<[string, string, 'gauge' | 'counter', StatKey]> = [
  ['pulse_connections_active', 'Open realtime connections (WebSocket and SSE)', 'gauge', 'connections'],
  ['pulse_connections_total', 'Realtime connections accepted since start', 'counter', 'connectionsTotal'],
  ['pulse_subscriptions_active', 'Channel subscriptions across all connections', 'gauge', 'subscriptions'],
  ['pulse_channels_active', 'Channels with at least one subscriber', 'gauge', 'channels'],
  ['pulse_messages_total', 'Frames sent to clients', 'counter', 'messagesSent'],
  ['pulse_messages_bytes', 'Bytes of frames sent to clients', 'counter', 'bytesSent'],
  ['pulse_messages_received_total', 'Frames received from clients', 'counter', 'messagesReceived'],
  ['pulse_messages_received_bytes', 'Bytes of frames received from clients', 'counter', 'bytesReceived'],
  ['pulse_hub_dropped_total', 'Publications replaced by a newer one in a slow client\'s queue (latest-value channels)', 'counter', 'dropped'],
  ['pulse_hub_queued_bytes', 'Bytes waiting in per-connection send queues', 'gauge', 'queuedBytes'],
];

/** pulse_* counters with one label, copied from the hub's per-key totals: [name, help, label, hub stat]. */
const LABELLED_FIGURES: Array<[string, string, string, LabelledStat]> = [
  ['pulse_disconnects_total', 'Realtime disconnects by reason', 'reason', 'disconnects'],
  ['pulse_disconnects_by_code_total', 'Realtime disconnects by WebSocket close code (0 = SSE stream)', 'code', 'disconnectCodes'],
  ['pulse_error_frames_total', 'Error frames sent to clients, by code', 'code', 'errors'],
];

/** Publish-to-socket latency, observed by the hub once per written batch. */
export function createLatencyHistogram(): Histogram {
  return new Histogram({
    name: 'pulse_latency_seconds', help: 'Seconds from hub publish to the bytes handed to a client socket (oldest publication per written batch)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [],
  });
}

/**
 * The Prometheus registry behind /metrics: Node process metrics plus pulse_* read from the hub
 * and the resource registry at scrape time (no work between scrapes).
 */
export function createMetrics(sources: { hub: () => Hub | undefined; resourceCount: () => number; latency?: Histogram }): Registry {
  const registry = new Registry();
  if (sources.latency) registry.registerMetric(sources.latency);
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
  for (const [name, help, label, stat] of LABELLED_FIGURES) {
    new Counter({ name, help, labelNames: [label], registers: [registry], collect() {
      this.reset();
      for (const [value, n] of Object.entries(sources.hub()?.stats()[stat] ?? {})) this.inc({ [label]: value }, n);
    } });
  }
  new Gauge({ name: 'pulse_resources', help: 'Resources in the registry', registers: [registry], collect() {
    this.set(sources.resourceCount());
  } });
  return registry;
}
