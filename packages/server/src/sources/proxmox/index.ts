export { createProxmoxRuntime, type ProxmoxRuntime, type ProxmoxRuntimeOptions } from './proxmox-runtime.js';
export { createProxmoxSource, type ProxmoxSource, type ProxmoxSourceState } from './proxmox-source.js';
