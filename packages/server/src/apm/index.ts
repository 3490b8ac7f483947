export * from './aggregator.js';
export * from './apm-service.js';
export * from './apm-source.js';
export * from './apm-views.js';
export * from './health.js';
export * from './ingest.js';
export * from './redis-reader.js';
