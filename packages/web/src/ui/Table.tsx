import { For, Show, type JSX } from 'solid-js';

export interface Column<Row> {
  key: string;
  header: JSX.Element;
  cell: (row: Row) => JSX.Element;
  align?: 'left' | 'right';
  /** Extra classes for the cells of this column (width, wrapping). */
  class?: string;
}

export interface TableProps<Row> {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey?: (row: Row) => string;
  empty?: JSX.Element;
  testId?: string;
}

/** A plain, fully rendered table for short lists (tens of rows); see VirtualTable for long ones. */
export function Table<Row>(props: TableProps<Row>) {
  const align = (c: Column<Row>) => (c.align === 'right' ? 'text-right' : 'text-left');
  return (
    <div class="overflow-x-auto">
      <table class="w-full border-collapse text-[13px]" data-testid={props.testId}>
        <thead>
          <tr class="border-b">
            <For each={props.columns}>
              {(c) => (
                <th class={`h-9 px-4 text-[11px] font-medium tracking-wide whitespace-nowrap text-faint uppercase ${align(c)} ${c.class ?? ''}`}>
                  {c.header}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr class="border-b last:border-b-0 hover:bg-surface-2" data-key={props.rowKey?.(row)}>
                <For each={props.columns}>
                  {(c) => <td class={`h-11 px-4 align-middle ${align(c)} ${c.class ?? ''}`}>{c.cell(row)}</td>}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={props.rows.length === 0 && props.empty}>
        <div class="px-4 py-8 text-center text-[13px] text-muted">{props.empty}</div>
      </Show>
    </div>
  );
}
