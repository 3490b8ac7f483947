export * from './resource.js';
export * from './frames.js';
export * from './codec.js';
export * from './api.js';
export * from './agent.js';
export * from './monitor.js';
export * from './status-page.js';
export * from './alert.js';
