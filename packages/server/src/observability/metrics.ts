import type { Hub } from '@pulse/hub';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * The Prometheus registry behind /metrics: Node process metrics plus pulse_* read from the hub
 * and the resource registry at scrape time (no work between scrapes).
 */
export function createMetrics(sources: { hub: () => Hub | undefined; resourceCount: () => number }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stats = () => sources.hub()?.stats();
  new Gauge({ name: 'pulse_connections_active', help: 'Open realtime connections (WebSocket and SSE)', registers: [registry], collect() {
    this.set(stats()?.connections ?? 0);
  } });
  new Counter({ name: 'pulse_connections_total', help: 'Realtime connections accepted since start', registers: [registry], collect() {
    this.reset();
    this.inc(stats()?.connectionsTotal ?? 0);
  } });
  new Gauge({ name: 'pulse_subscriptions_active', help: 'Channel subscriptions across all connections', registers: [registry], collect() {
    this.set(stats()?.subscriptions ?? 0);
  } });
  new Gauge({ name: 'pulse_channels_active', help: 'Channels with at least one subscriber', registers: [registry], collect() {
    this.set(stats()?.channels ?? 0);
  } });
  new Counter({ name: 'pulse_messages_total', help: 'Frames sent to clients', registers: [registry], collect() {
    this.reset();
    this.inc(stats()?.messagesSent ?? 0);
  } });
  new Counter({ name: 'pulse_messages_bytes', help: 'Bytes of frames sent to clients', registers: [registry], collect() {
    this.reset();
    this.inc(stats()?.bytesSent ?? 0);
  } });
  new Gauge({ name: 'pulse_resources', help: 'Resources in the registry', registers: [registry], collect() {
    this.set(sources.resourceCount());
  } });
  return registry;
}
