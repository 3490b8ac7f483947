import type { DisconnectReason, HubStats } from './types.js';

/** The hub's running totals. One instance per hub, shared by its connections. */
export class HubCounters {
  connections = 0;
  connectionsTotal = 0;
  messagesSent = 0;
  bytesSent = 0;
  messagesReceived = 0;
  bytesReceived = 0;
  errorsSent = 0;
  dropped = 0;
  readonly #errors = new Map<string, number>();
  readonly #disconnects = new Map<DisconnectReason, number>();
  readonly #disconnectCodes = new Map<number, number>();

  opened(): void {
    this.connections += 1;
    this.connectionsTotal += 1;
  }

  /** `code`: the WebSocket close code; 0 for SSE streams */
  closed(reason: DisconnectReason, code: number): void {
    this.connections -= 1;
    this.#disconnects.set(reason, (this.#disconnects.get(reason) ?? 0) + 1);
    this.#disconnectCodes.set(code, (this.#disconnectCodes.get(code) ?? 0) + 1);
  }

  received(bytes: number): void {
    this.messagesReceived += 1;
    this.bytesReceived += bytes;
  }

  sent(messages: number, bytes: number): void {
    this.messagesSent += messages;
    this.bytesSent += bytes;
  }

  error(code: string): void {
    this.errorsSent += 1;
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  snapshot(figures: { subscriptions: number; channels: number; queuedBytes: number }): HubStats {
    return {
      connections: this.connections,
      connectionsTotal: this.connectionsTotal,
      ...figures,
      messagesSent: this.messagesSent,
      bytesSent: this.bytesSent,
      messagesReceived: this.messagesReceived,
      bytesReceived: this.bytesReceived,
      errorsSent: this.errorsSent,
      errors: Object.fromEntries(this.#errors),
      dropped: this.dropped,
      disconnects: Object.fromEntries(this.#disconnects),
      disconnectCodes: Object.fromEntries(this.#disconnectCodes),
    };
  }
}
