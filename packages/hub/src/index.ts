export { createHub } from './hub.js';
export type { ChannelRule, DisconnectReason, Hub, HubLogger, HubOptions, HubStats, Principal } from './types.js';
