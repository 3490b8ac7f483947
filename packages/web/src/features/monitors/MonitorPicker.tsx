import { createMemo, createSignal, For, Show } from 'solid-js';
import { SearchInput } from '../../ui/SearchInput';
import { MonitorStateBadge } from './cells';
import type { MonitorRow } from './monitor-model';

const SHOWN = 150;

/** A searchable checklist of monitors; the picked ones stay listed first. */
export function MonitorPicker(props: { monitors: readonly MonitorRow[]; selected: readonly string[]; onChange: (ids: string[]) => void; testId?: string }) {
  const [q, setQ] = createSignal('');
  const picked = createMemo(() => new Set(props.selected));
  const matches = createMemo(() => {
    const text = q().trim().toLowerCase();
    const all = props.monitors.filter((m) => !text || m.name.toLowerCase().includes(text) || (m.group ?? '').toLowerCase().includes(text) || m.target.toLowerCase().includes(text));
    return [...all.filter((m) => picked().has(m.id)), ...all.filter((m) => !picked().has(m.id))];
  });
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.selected, id] : props.selected.filter((s) => s !== id));
  return (
    <div class="rounded-lg border" data-testid={props.testId}>
      <div class="flex items-center gap-2 border-b p-2">
        <SearchInput value={q()} onValue={setQ} placeholder="Find monitors…" />
        <span class="num ml-auto px-1 text-xs whitespace-nowrap text-faint">{props.selected.length} picked</span>
      </div>
      <div class="max-h-64 divide-y overflow-auto">
        <For each={matches().slice(0, SHOWN)}>
          {(m) => (
            <label class="flex cursor-pointer items-center gap-2.5 px-3 py-2 text-[13px] hover:bg-surface-2">
              <input type="checkbox" class="size-4 accent-accent" checked={picked().has(m.id)} onChange={(e) => toggle(m.id, e.currentTarget.checked)} data-testid="picker-item" />
              <span class="min-w-0 flex-1 truncate text-fg">{m.name}</span>
              <Show when={m.group}>
                <span class="truncate text-xs text-faint">{m.group}</span>
              </Show>
              <MonitorStateBadge state={m.state} />
            </label>
          )}
        </For>
        <Show when={matches().length === 0}>
          <div class="px-3 py-4 text-center text-xs text-muted">{props.monitors.length ? 'No monitor matches.' : 'No monitors yet.'}</div>
        </Show>
        <Show when={matches().length > SHOWN}>
          <div class="px-3 py-2 text-center text-xs text-faint">{matches().length - SHOWN} more: narrow the search</div>
        </Show>
      </div>
    </div>
  );
}
