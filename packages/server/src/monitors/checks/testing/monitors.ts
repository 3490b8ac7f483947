// Test support only: monitors with the protocol's defaults applied, as the service stores them.
import { MonitorInput, type MonitorInputBody } from '@pulse/protocol';
import type { CheckableMonitor } from '../check-options.js';
import type { HostLookup } from '../connection-phases.js';

export function monitor(body: MonitorInputBody, id = 'mon-1'): CheckableMonitor {
  return { ...MonitorInput.parse(body), id };
}

export function httpMonitor(url: string, extra: Partial<Extract<MonitorInputBody, { type: 'http' }>> = {}): CheckableMonitor {
  return monitor({ name: 'web', type: 'http', url, ...extra });
}

/** Every name is 127.0.0.1: HTTPS tests reach a local server by the name its certificate holds. */
export const loopbackLookup: HostLookup = async () => ({ address: '127.0.0.1', family: 4 });

export const ms = (us: number | undefined) => (us === undefined ? undefined : Math.round(us / 100) / 10);
