export * from './passwords.js';
export * from './principal.js';
export * from './sessions.js';
export * from './tokens.js';
export * from './login-limiter.js';
export * from './authenticate.js';
export * from './origin.js';
export * from './connection-tokens.js';
