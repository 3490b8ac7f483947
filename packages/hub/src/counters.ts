import type { DisconnectReason, HubStats } from './types.js';

/** The hub's running totals. One instance per hub, shared by its connections. */
export class HubCounters {
  connections = 0;
  connectionsTotal = 0;
  messagesSent = 0;
  bytesSent = 0;
  framesReceived = 0;
  errorsSent = 0;
  readonly #disconnects = new Map<DisconnectReason, number>();

  opened(): void {
    this.connections += 1;
    this.connectionsTotal += 1;
  }

  closed(reason: DisconnectReason): void {
    this.connections -= 1;
    this.#disconnects.set(reason, (this.#disconnects.get(reason) ?? 0) + 1);
  }

  sent(bytes: number, isError = false): void {
    this.messagesSent += 1;
    this.bytesSent += bytes;
    if (isError) this.errorsSent += 1;
  }

  snapshot(subscriptions: number, channels: number): HubStats {
    return {
      connections: this.connections,
      connectionsTotal: this.connectionsTotal,
      subscriptions,
      channels,
      messagesSent: this.messagesSent,
      bytesSent: this.bytesSent,
      framesReceived: this.framesReceived,
      errorsSent: this.errorsSent,
      disconnects: Object.fromEntries(this.#disconnects),
    };
  }
}
