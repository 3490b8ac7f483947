export { createLocalSource } from './local-source.js';
export type { LocalSource, LocalSourceLogger, LocalSourceOptions } from './local-source.js';
export type { Statfs, StatfsResult } from '@pulse/collectors';
