import { ErrorCodes } from '@pulse/protocol';
import { TokenBucket } from './token-bucket.js';
import type { HubLimits } from './types.js';

export type AdmissionOutcome = { ok: true; release: () => void } | { ok: false; code: string; message: string };

/**
 * Decides whether a new connection may open: global and per-address caps, and a per-address
 * connection rate, so one misbehaving client (or a reconnect loop) cannot take the hub down.
 */
export class Admission {
  readonly #limits: HubLimits;
  readonly #now: () => number;
  #open = 0;
  readonly #openByAddress = new Map<string, number>();
  readonly #rateByAddress = new Map<string, TokenBucket>();
  readonly #sweep: NodeJS.Timeout;

  constructor(limits: HubLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
    // Buckets that refilled carry no information; dropping them keeps the map small.
    this.#sweep = setInterval(() => {
      for (const [address, bucket] of this.#rateByAddress) if (bucket.isFull()) this.#rateByAddress.delete(address);
    }, 60_000);
    this.#sweep.unref();
  }

  admit(address: string): AdmissionOutcome {
    const limits = this.#limits;
    if (this.#open >= limits.maxConnections) {
      return refused(`The server holds its maximum of ${limits.maxConnections} connections; try again later.`);
    }
    const fromAddress = this.#openByAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxConnectionsPerIp) {
      return refused(`Your address holds its maximum of ${limits.maxConnectionsPerIp} connections; close some and try again.`);
    }
    let bucket = this.#rateByAddress.get(address);
    if (!bucket) {
      bucket = new TokenBucket(limits.connectionsPerSecondPerIp, limits.connectionsPerSecondPerIp * 2, this.#now);
      this.#rateByAddress.set(address, bucket);
    }
    if (!bucket.take()) {
      return refused(`More than ${limits.connectionsPerSecondPerIp} new connections per second from your address; back off and retry.`);
    }
    this.#open += 1;
    this.#openByAddress.set(address, fromAddress + 1);
    let isReleased = false;
    return {
      ok: true,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        this.#open -= 1;
        const left = (this.#openByAddress.get(address) ?? 1) - 1;
        if (left <= 0) this.#openByAddress.delete(address);
        else this.#openByAddress.set(address, left);
      },
    };
  }

  close(): void {
    clearInterval(this.#sweep);
  }
}

function refused(message: string): AdmissionOutcome {
  return { ok: false, code: ErrorCodes.tooManyConnections, message };
}
