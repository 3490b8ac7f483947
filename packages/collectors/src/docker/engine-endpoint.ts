import { DockerEngineError } from './engine-error.js';

/** PEM text (or bytes) for TLS to a remote engine, as `docker --tlsverify` takes ca.pem, cert.pem and key.pem. */
export interface EngineTls {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** name to verify the engine's certificate against, when it differs from the host in the URL */
  servername?: string;
}

/** Where an engine listens: a unix socket on this machine, or a TCP address with or without TLS. */
export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; label: string }
  | { kind: 'tcp'; host: string; port: number; tls: EngineTls | undefined; label: string };

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

function badEndpoint(url: string, why: string): DockerEngineError {
  return new DockerEngineError('docker.bad_endpoint', `Docker endpoint "${url}" ${why}; use unix:///path/to/docker.sock, tcp://host:2376 or https://host:2376`);
}

/**
 * Reads an endpoint the way DOCKER_HOST is written. `tcp://` speaks TLS when TLS material is given
 * (docker's own rule, with DOCKER_TLS_VERIFY), `https://` always does, `http://` never does.
 */
export function parseEngineEndpoint(url: string, tls?: EngineTls): EngineEndpoint {
  const text = url.trim();
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, label: `unix://${text}` };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw badEndpoint(url, 'is not a URL or an absolute socket path');
  }
  if (parsed.protocol === 'unix:') {
    const socketPath = decodeURIComponent(parsed.pathname);
    if (!socketPath.startsWith('/')) throw badEndpoint(url, 'needs an absolute socket path');
    return { kind: 'unix', socketPath, label: `unix://${socketPath}` };
  }
  const useTls = parsed.protocol === 'https:' || (parsed.protocol === 'tcp:' && tls !== undefined);
  if (parsed.protocol !== 'tcp:' && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badEndpoint(url, `has an unknown scheme "${parsed.protocol}"`);
  }
  if (!parsed.hostname) throw badEndpoint(url, 'has no host');
  // Docker's conventional ports: 2376 with TLS, 2375 without.
  const port = parsed.port ? Number(parsed.port) : useTls ? 2376 : 2375;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  // The label goes into messages and details, so it never carries URL credentials or paths.
  const label = `${useTls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { kind: 'tcp', host, port, tls: useTls ? (tls ?? {}) : undefined, label };
}
