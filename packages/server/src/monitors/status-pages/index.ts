export * from './badge.js';
export * from './public-text.js';
export * from './rate-limit.js';
export * from './schema.js';
export * from './status-page-service.js';
export * from './status-page-view.js';
export * from './public-pages.js';
