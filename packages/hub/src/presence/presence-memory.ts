import type { ClientInfo } from '@pulse/protocol';
import type { PresenceStore } from '../types.js';

/** Presence for a single process: who is subscribed where, in memory. */
export class MemoryPresenceStore implements PresenceStore {
  readonly #channels = new Map<string, Map<string, ClientInfo>>();

  async add(channel: string, info: ClientInfo): Promise<void> {
    let clients = this.#channels.get(channel);
    if (!clients) {
      clients = new Map();
      this.#channels.set(channel, clients);
    }
    clients.set(info.client, info);
  }

  async remove(channel: string, clientId: string): Promise<void> {
    const clients = this.#channels.get(channel);
    if (!clients) return;
    clients.delete(clientId);
    // an empty map per channel ever seen would grow without bound
    if (clients.size === 0) this.#channels.delete(channel);
  }

  async list(channel: string): Promise<ClientInfo[]> {
    return [...(this.#channels.get(channel)?.values() ?? [])];
  }

  async stats(channel: string): Promise<{ clients: number; users: number }> {
    const clients = await this.list(channel);
    return { clients: clients.length, users: new Set(clients.map((c) => c.user)).size };
  }

  async close(): Promise<void> {
    this.#channels.clear();
  }
}

export function createMemoryPresenceStore(): MemoryPresenceStore {
  return new MemoryPresenceStore();
}
