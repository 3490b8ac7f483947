import type { Resource } from '@pulse/protocol';

/*
 * Where a resource's figures come from, in words. A source id is `<kind>:<name>` (`agent:3f2a…`,
 * `docker:web01`) or a bare kind (`local`); one machine reported by several sources is one
 * resource, owned by the first and listing the others in `details.alsoSeenBy`.
 */

export type SourceKind = 'local' | 'agent' | 'docker' | 'other';

export interface SourceView {
  kind: SourceKind;
  /** A word for a narrow column: "Agent", "Local", "Docker". */
  label: string;
  /** A sentence for a tooltip. */
  title: string;
}

export function sourceView(source: string): SourceView {
  const colon = source.indexOf(':');
  const kind = colon < 0 ? source : source.slice(0, colon);
  const name = colon < 0 ? '' : source.slice(colon + 1);
  switch (kind) {
    case 'local':
      return { kind: 'local', label: 'Local', title: 'Collected by the Pulse server on its own machine' };
    case 'agent':
      return { kind: 'agent', label: 'Agent', title: `Reported by a Pulse agent (${name})` };
    case 'docker':
      return { kind: 'docker', label: 'Docker', title: `Polled from the Docker engine “${name}”` };
    default:
      return { kind: 'other', label: kind ? kind[0]!.toUpperCase() + kind.slice(1) : source, title: `Reported by ${source}` };
  }
}

/** The other sources that report the same machine; empty when only its owner does. */
export function alsoSeenBy(r: Resource): string[] {
  const list = r.details['alsoSeenBy'];
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string' && s !== r.source) : [];
}

/** Every source of a resource, its owner first, one entry per kind ("Local", "Agent"). */
export function sourcesOf(r: Resource): SourceView[] {
  const seen = new Set<SourceKind | string>();
  const out: SourceView[] = [];
  for (const s of [r.source, ...alsoSeenBy(r)]) {
    const view = sourceView(s);
    const key = view.kind === 'other' ? view.label : view.kind;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(view);
  }
  return out;
}
