import { createComputed, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';

/**
 * Keeps a derived list's items stable across updates, matched by `key`: a live table then updates
 * the cells that changed instead of rebuilding every row each time new figures arrive.
 */
export function createKeyedList<T extends object>(source: Accessor<T[]>, key: keyof T & string): Accessor<T[]> {
  const [state, setState] = createStore<{ list: T[] }>({ list: [] });
  createComputed(() => setState('list', reconcile(source(), { key })));
  return () => state.list;
}
