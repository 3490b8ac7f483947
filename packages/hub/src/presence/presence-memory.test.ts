import { MemoryPresenceStore } from './presence-memory.js';
import { runPresenceContract } from './presence.contract.js';

runPresenceContract('MemoryPresenceStore', async () => new MemoryPresenceStore());
