export * from './observation.js';
export * from './registry.js';
export * from './recent-series.js';
