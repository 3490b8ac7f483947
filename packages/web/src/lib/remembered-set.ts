import { createSignal, type Accessor } from 'solid-js';

export interface RememberedSet {
  has(id: string): boolean;
  toggle(id: string): void;
  /** The set itself, tracked: read it in a memo to follow changes. */
  values: Accessor<ReadonlySet<string>>;
}

/**
 * A set of ids (rows opened in a tree, say) kept for the tab's life in sessionStorage under `key`,
 * so leaving a page and coming back finds it as it was.
 */
export function createRememberedSet(key: string): RememberedSet {
  const read = (): Set<string> => {
    try {
      const saved: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
      return new Set(Array.isArray(saved) ? saved.filter((v): v is string => typeof v === 'string') : []);
    } catch {
      return new Set(); // storage disabled or garbled: start closed
    }
  };
  const [values, setValues] = createSignal<ReadonlySet<string>>(read());
  return {
    values,
    has: (id) => values().has(id),
    toggle(id) {
      const next = new Set(values());
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setValues(next);
      try {
        sessionStorage.setItem(key, JSON.stringify([...next]));
      } catch {
        // not remembered; the choice still holds while the page is open
      }
    },
  };
}
