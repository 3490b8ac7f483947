import type { HistoryOptions, Namespace, Principal } from './types.js';

const PREFIX_SUFFIX = ':*';
const DEFAULT_HISTORY_TTL_MS = 5 * 60_000;

/** A namespace with its defaults filled in. */
export interface ResolvedNamespace {
  readonly pattern: string;
  readonly subscribeScope: string | undefined;
  readonly publishScope: string | undefined;
  readonly presence: boolean;
  readonly joinLeave: boolean;
  readonly history: HistoryOptions;
  readonly latestValue: boolean;
  readonly snapshot: ((channel: string) => unknown) | undefined;
}

/** Finds the namespace that governs a channel name: an exact pattern wins, then the longest prefix. */
export type NamespaceLookup = (channel: string) => ResolvedNamespace | undefined;

export function createNamespaceLookup(namespaces: readonly Namespace[]): NamespaceLookup {
  const exact = new Map<string, ResolvedNamespace>();
  const prefixes: { prefix: string; namespace: ResolvedNamespace }[] = [];
  for (const namespace of namespaces) {
    const resolved = resolve(namespace);
    if (namespace.pattern.endsWith(PREFIX_SUFFIX)) {
      // Keep the ':' so 'resource:*' matches 'resource:x' but never 'resources'.
      prefixes.push({ prefix: namespace.pattern.slice(0, -1), namespace: resolved });
    } else {
      exact.set(namespace.pattern, resolved);
    }
  }
  // Longest first, so a narrower namespace ('ext:admin:*') overrides a broader one ('ext:*').
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);

  return (channel) => {
    const found = exact.get(channel);
    if (found) return found;
    for (const { prefix, namespace } of prefixes) {
      if (channel.length > prefix.length && channel.startsWith(prefix)) return namespace;
    }
    return undefined;
  };
}

export function maySubscribe(namespace: ResolvedNamespace, principal: Principal): boolean {
  return namespace.subscribeScope === undefined || principal.scopes.includes(namespace.subscribeScope);
}

/** Client publishing is opt-in per namespace: no publishScope, no publishing. */
export function mayPublish(namespace: ResolvedNamespace, principal: Principal): boolean {
  return namespace.publishScope !== undefined && principal.scopes.includes(namespace.publishScope);
}

function resolve(namespace: Namespace): ResolvedNamespace {
  const presence = namespace.presence ?? false;
  return {
    pattern: namespace.pattern,
    subscribeScope: namespace.subscribeScope,
    publishScope: namespace.publishScope,
    presence,
    joinLeave: presence && (namespace.joinLeave ?? false),
    history: {
      size: Math.max(0, namespace.historySize ?? 0),
      ttlMs: namespace.historyTtlMs ?? DEFAULT_HISTORY_TTL_MS,
      maxBytes: namespace.historyMaxBytes === undefined ? undefined : Math.max(0, namespace.historyMaxBytes),
    },
    latestValue: namespace.latestValue ?? false,
    snapshot: namespace.snapshot,
  };
}
