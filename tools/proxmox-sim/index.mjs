export { startProxmoxSim } from './simulator.mjs';
export { createPveModel } from './pve-model.mjs';
export { createCertificate, fingerprintOf } from './certs.mjs';
