import type { Resource } from '@pulse/protocol';

/*
 * The infrastructure list as a tree: a machine first, the containers (or guests) it reports under it
 * when it is opened. Rows stay the resources themselves, so a live table keeps its row objects
 * across updates; how each sits in the tree is looked up beside them.
 */

export interface Nesting {
  /** 0 for a top-level resource, 1 for its children, … */
  depth: number;
  /** How many resources in the list name this one as their parent. */
  children: number;
}

export interface NestedRows {
  rows: Resource[];
  nesting: ReadonlyMap<string, Nesting>;
}

/**
 * `sorted` in tree order: each resource whose parent is not in the list, in the given order, then,
 * if its id is in `expanded`, its children in the same order, recursively. A resource whose parent is
 * in the list shows only under it (resources caught in a parent cycle show at the top level).
 */
export function nestResources(sorted: readonly Resource[], expanded: ReadonlySet<string>): NestedRows {
  const ids = new Set(sorted.map((r) => r.id));
  const children = new Map<string, Resource[]>();
  const roots: Resource[] = [];
  for (const r of sorted) {
    const parent = r.parentId !== undefined && r.parentId !== r.id && ids.has(r.parentId) ? r.parentId : undefined;
    if (parent === undefined) roots.push(r);
    else {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(r);
    }
  }
  // A cycle of parents has no root to hang from: its members count as roots.
  const reachable = new Set<string>();
  const reach = (id: string) => {
    if (reachable.has(id)) return;
    reachable.add(id);
    for (const kid of children.get(id) ?? []) reach(kid.id);
  };
  for (const r of roots) reach(r.id);
  for (const r of sorted) {
    if (reachable.has(r.id)) continue;
    roots.push(r);
    reach(r.id);
  }

  const isRoot = new Set(roots.map((r) => r.id));
  const rows: Resource[] = [];
  const nesting = new Map<string, Nesting>();
  const placed = new Set<string>();
  const place = (r: Resource, depth: number) => {
    if (placed.has(r.id)) return;
    placed.add(r.id);
    const kids = (children.get(r.id) ?? []).filter((k) => !isRoot.has(k.id));
    rows.push(r);
    nesting.set(r.id, { depth, children: kids.length });
    if (expanded.has(r.id)) for (const kid of kids) place(kid, depth + 1);
  };
  for (const r of roots) place(r, 0);
  return { rows, nesting };
}

/** The list as it is, each resource at the top level: what a filtered view shows. */
export function flatRows(list: readonly Resource[]): NestedRows {
  return { rows: [...list], nesting: new Map() };
}
