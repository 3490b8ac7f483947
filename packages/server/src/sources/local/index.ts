export { createLocalSource } from './local-source.js';
export type { LocalSource, LocalSourceOptions } from './local-source.js';
export type { LocalSourceLogger } from './host-collector.js';
export type { Statfs, StatfsResult } from './filesystems.js';
