export { start, type Pulse, type PulseStats } from './pulse.js';
export { PulseConfigError, type PulseOptions, type HttpOptions, type RedisOptions } from './options.js';
export { PulseSdkError } from './self-errors.js';
export { parseStack, fingerprint, type StackFrame } from './stack.js';
export type { ExpressMiddleware, FastifyPlugin, HttpHandler, WrapHttpOptions } from './integrations.js';
export type { RedisClientLike } from './transport.js';
