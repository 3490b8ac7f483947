export * from './namespaces.js';
export * from './routes.js';
export * from './publisher.js';
export * from './endpoints.js';
