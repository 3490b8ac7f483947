import type { ResourceType } from '@pulse/protocol';
import { createMemo, createSignal, For, Show } from 'solid-js';
import ChevronDown from 'lucide-solid/icons/chevron-down';
import X from 'lucide-solid/icons/x';
import { Checkbox } from '../../ui/Checkbox';
import { TypeIcon } from '../infrastructure/TypeIcon';
import { useResources } from '../infrastructure/store';
import type { Channel } from './alerts-api';
import { ChannelIcon } from './cells';
import { DURATION_UNITS, type Duration, type DurationUnit } from './rule-form';

/** A figure and its unit (seconds to days), laid out like TextField. */
export function DurationField(props: {
  label: string; value: Duration; onChange: (d: Duration) => void; error?: string; hint?: string; id: string; testId?: string; disabled?: boolean;
  /** the units to offer (default: seconds to days) */
  units?: readonly DurationUnit[];
}) {
  const units = () => (props.units ? DURATION_UNITS.filter((u) => props.units!.includes(u.value)) : DURATION_UNITS);
  return (
    <div>
      <label for={props.id} class="mb-1.5 block text-[13px] font-medium text-fg">
        {props.label}
      </label>
      <div class="flex" classList={{ 'opacity-60': props.disabled }}>
        <input
          id={props.id}
          type="number"
          min="0"
          inputMode="numeric"
          value={props.value.n}
          disabled={props.disabled}
          aria-invalid={props.error ? 'true' : undefined}
          onInput={(e) => props.onChange({ ...props.value, n: e.currentTarget.value })}
          data-testid={props.testId}
          class="h-10 w-full min-w-0 rounded-l-lg border bg-surface px-3 text-sm text-fg shadow-card outline-none hover:border-border-strong focus:z-10 focus:border-accent focus:ring-3 focus:ring-ring aria-invalid:border-crit"
        />
        <div class="relative -ml-px shrink-0">
          <select
            aria-label={`${props.label}: unit`}
            value={props.value.unit}
            disabled={props.disabled}
            onChange={(e) => props.onChange({ ...props.value, unit: e.currentTarget.value as DurationUnit })}
            data-testid={props.testId && `${props.testId}-unit`}
            class="h-10 cursor-pointer appearance-none rounded-r-lg border bg-surface-2 pr-8 pl-3 text-sm text-fg outline-none hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring"
          >
            <For each={units()}>{(u) => <option value={u.value} selected={u.value === props.value.unit}>{u.label}</option>}</For>
          </select>
          <ChevronDown size={14} class="pointer-events-none absolute top-1/2 right-2.5 -translate-y-1/2 text-faint" />
        </div>
      </div>
      <Show when={props.error || props.hint}>
        <p class="mt-1.5 text-xs" classList={{ 'text-crit': !!props.error, 'text-muted': !props.error }} data-testid={props.testId && `${props.testId}-note`}>
          {props.error ?? props.hint}
        </p>
      </Show>
    </div>
  );
}

/** Specific resources, found by name among those Pulse knows (of `types` when given). */
export function ResourcePicker(props: { value: string[]; onChange: (ids: string[]) => void; types?: readonly ResourceType[]; testId?: string }) {
  const store = useResources();
  const [text, setText] = createSignal('');
  const [open, setOpen] = createSignal(false);
  const matches = createMemo(() => {
    const t = text().trim().toLowerCase();
    const types = new Set(props.types ?? []);
    const chosen = new Set(props.value);
    return store.state.resources
      .filter((r) => !chosen.has(r.id) && (types.size === 0 || types.has(r.type)) && (!t || r.name.toLowerCase().includes(t) || r.id.toLowerCase().includes(t)))
      .slice(0, 8);
  });
  const add = (id: string) => {
    props.onChange([...props.value, id]);
    setText('');
  };
  return (
    <div data-testid={props.testId}>
      <Show when={props.value.length}>
        <div class="mb-2 flex flex-wrap gap-1.5" data-testid={props.testId && `${props.testId}-chosen`}>
          <For each={props.value}>
            {(id) => {
              const r = () => store.get(id);
              return (
                <span class="inline-flex h-7 items-center gap-1.5 rounded-md border bg-surface-2 pr-1 pl-2 text-xs text-fg">
                  <span class="text-muted">
                    <TypeIcon type={r()?.type ?? 'host'} size={12} />
                  </span>
                  {r()?.name ?? id}
                  <button type="button" class="rounded p-0.5 text-faint hover:bg-surface-3 hover:text-fg" aria-label={`Remove ${r()?.name ?? id}`} onClick={() => props.onChange(props.value.filter((x) => x !== id))}>
                    <X size={12} />
                  </button>
                </span>
              );
            }}
          </For>
        </div>
      </Show>
      <div class="relative">
        <input
          type="search"
          value={text()}
          placeholder="Find a resource by name…"
          aria-label="Find a resource"
          onInput={(e) => {
            setText(e.currentTarget.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          data-testid={props.testId && `${props.testId}-search`}
          class="h-10 w-full rounded-lg border bg-surface px-3 text-sm text-fg shadow-card outline-none placeholder:text-faint hover:border-border-strong focus:border-accent focus:ring-3 focus:ring-ring"
        />
        <Show when={open() && matches().length}>
          <ul class="absolute inset-x-0 top-full z-30 mt-1 max-h-64 overflow-auto rounded-lg border bg-surface p-1 shadow-pop" role="listbox">
            <For each={matches()}>
              {(r) => (
                <li>
                  <button type="button" role="option" class="flex h-8 w-full items-center gap-2 rounded-md px-2 text-left text-[13px] text-fg hover:bg-surface-2" onMouseDown={(e) => e.preventDefault()} onClick={() => add(r.id)}>
                    <span class="text-muted">
                      <TypeIcon type={r.type} size={14} />
                    </span>
                    <span class="truncate">{r.name}</span>
                    <span class="ml-auto truncate font-mono text-[11px] text-faint">{r.id}</span>
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </div>
  );
}

/** Channels to send to, each a checkbox; none checked means the default routing. */
export function ChannelPicker(props: { channels: readonly Channel[]; value: string[]; onChange: (ids: string[]) => void; empty: string; testId?: string }) {
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...props.value, id] : props.value.filter((x) => x !== id));
  return (
    <Show when={props.channels.length} fallback={<p class="text-xs text-muted">{props.empty}</p>}>
      <div class="grid gap-2 sm:grid-cols-2" data-testid={props.testId}>
        <For each={props.channels}>
          {(c) => (
            <div class="rounded-lg border px-3 py-2.5" classList={{ 'border-accent bg-accent-soft': props.value.includes(c.id) }}>
              <Checkbox
                label={
                  <span class="inline-flex items-center gap-1.5">
                    <span class="text-muted">
                      <ChannelIcon type={c.type} size={13} />
                    </span>
                    {c.name}
                  </span>
                }
                hint={c.enabled ? undefined : 'disabled'}
                checked={props.value.includes(c.id)}
                onChange={(on) => toggle(c.id, on)}
                testId={props.testId && `${props.testId}-${c.id}`}
              />
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}
