import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, For, on, Show, type JSX } from 'solid-js';
import ArrowDown from 'lucide-solid/icons/arrow-down';
import ArrowUp from 'lucide-solid/icons/arrow-up';

export interface GridColumn<Row> {
  key: string;
  header: JSX.Element;
  /** A CSS grid track: `minmax(200px, 2fr)`, `96px`. */
  width: string;
  cell: (row: Row) => JSX.Element;
  align?: 'left' | 'right';
  sortable?: boolean;
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

export interface VirtualTableProps<Row> {
  columns: GridColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  rowHeight: number;
  onRowClick?: (row: Row) => void;
  sort?: SortState;
  onSort?: (key: string) => void;
  rowTestId?: string;
  testId?: string;
  /** When this changes (a new filter, say) the list scrolls back to the top. */
  scrollKey?: string;
  /** Below this width (px) the table scrolls sideways rather than squeezing its columns; 980 by default. */
  minWidth?: number;
}

/**
 * A grid-based table that renders only the rows in view, so a list of thousands scrolls like a list
 * of ten. It fills its parent's height and scrolls inside itself, under a sticky header.
 */
export function VirtualTable<Row>(props: VirtualTableProps<Row>) {
  let scroller!: HTMLDivElement;
  const template = () => props.columns.map((c) => c.width).join(' ');
  const virtualizer = createVirtualizer({
    get count() {
      return props.rows.length;
    },
    getScrollElement: () => scroller,
    estimateSize: () => props.rowHeight,
    overscan: 10,
    getItemKey: (i) => {
      const row = props.rows[i];
      return row === undefined ? i : props.rowKey(row);
    },
  });

  createEffect(on(() => props.scrollKey, () => scroller.scrollTo({ top: 0 }), { defer: true }));

  const align = (c: GridColumn<Row>) => (c.align === 'right' ? 'justify-end text-right' : 'justify-start text-left');

  return (
    <div ref={scroller} class="relative h-full min-h-0 overflow-auto" data-testid={props.testId}>
      <div style={{ 'min-width': `${props.minWidth ?? 980}px` }}>
        <div
          class="sticky top-0 z-10 grid h-9 items-center gap-4 border-b bg-surface px-4 text-[11px] font-medium tracking-wide text-faint uppercase"
          style={{ 'grid-template-columns': template() }}
          role="row"
        >
          <For each={props.columns}>
            {(c) => (
              <div class={`flex items-center ${align(c)}`} role="columnheader">
                <Show when={c.sortable && props.onSort} fallback={c.header}>
                  <button
                    type="button"
                    class="inline-flex items-center gap-1 uppercase hover:text-fg"
                    classList={{ 'text-fg': props.sort?.key === c.key }}
                    onClick={() => props.onSort?.(c.key)}
                  >
                    {c.header}
                    <Show when={props.sort?.key === c.key}>
                      <Show when={props.sort?.dir === 'asc'} fallback={<ArrowDown size={12} />}>
                        <ArrowUp size={12} />
                      </Show>
                    </Show>
                  </button>
                </Show>
              </div>
            )}
          </For>
        </div>
        <div class="relative" style={{ height: `${virtualizer.getTotalSize()}px` }} role="rowgroup">
          <For each={virtualizer.getVirtualItems()}>
            {(item) => {
              const row = () => props.rows[item.index];
              return (
                // Keyed: when sorting or filtering puts another row at this index, its cells rebuild.
                <Show when={row()} keyed>
                  {(r) => (
                    <div
                      class="absolute inset-x-0 top-0 grid items-center gap-4 border-b px-4 transition-colors hover:bg-surface-2"
                      classList={{ 'cursor-pointer': !!props.onRowClick }}
                      style={{
                        'grid-template-columns': template(),
                        height: `${item.size}px`,
                        transform: `translateY(${item.start}px)`,
                      }}
                      role="row"
                      data-testid={props.rowTestId}
                      data-key={props.rowKey(r)}
                      onClick={() => props.onRowClick?.(r)}
                    >
                      <For each={props.columns}>
                        {(c) => <div class={`flex min-w-0 items-center ${align(c)}`} role="cell">{c.cell(r)}</div>}
                      </For>
                    </div>
                  )}
                </Show>
              );
            }}
          </For>
        </div>
      </div>
    </div>
  );
}
