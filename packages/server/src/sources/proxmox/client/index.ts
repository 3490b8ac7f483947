export { createProxmoxClient, type ProxmoxClient, type ProxmoxClientOptions } from './client.js';
export { ProxmoxError, isProxmoxError, type ProxmoxErrorCode } from './errors.js';
export type { ProxmoxAuth } from './auth.js';
export type { EndpointState, Product } from './endpoints.js';
export { readFingerprint, normalizeFingerprint, formatFingerprint, type CertificateInfo, type ProxmoxTls } from './tls.js';
