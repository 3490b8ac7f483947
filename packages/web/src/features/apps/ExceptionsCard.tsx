import { createSignal, For, Match, Show, Switch } from 'solid-js';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import { formatAgo, formatCount } from '../../lib/format';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import type { ApmExceptionGroup } from './app-types';
import { stackRows, topAppFrame, type FrameLine } from './stack';

function Frame(props: { f: FrameLine }) {
  return (
    <div
      class="flex min-w-0 items-baseline gap-2 border-l-2 py-[3px] pr-2 pl-3 font-mono text-[12px] leading-snug"
      classList={{
        'border-accent bg-accent-soft/60 text-fg': props.f.kind === 'app',
        'border-transparent text-faint': props.f.kind !== 'app',
      }}
      data-testid="app-frame"
      data-kind={props.f.kind}
    >
      <span class="shrink-0 text-faint">at</span>
      <span class="shrink-0" classList={{ 'font-semibold': props.f.kind === 'app' }}>
        {props.f.fn}
      </span>
      <span class="min-w-0 truncate" classList={{ 'text-muted': props.f.kind === 'app' }} title={props.f.location}>
        {props.f.location}
      </span>
    </div>
  );
}

function Stack(props: { group: ApmExceptionGroup }) {
  const [open, setOpen] = createSignal<ReadonlySet<number>>(new Set());
  const rows = () => stackRows(props.group.frames);
  return (
    <div class="mt-3 overflow-hidden rounded-lg border bg-surface-2 py-1.5" data-testid="app-stack">
      <Show when={rows().length} fallback={<div class="px-3 py-1 text-xs text-muted">No stack frames were recorded for this exception.</div>}>
        <For each={rows()}>
          {(row) => (
            <Switch>
              <Match when={row.type === 'frame' && row}>{(r) => <Frame f={r().frame} />}</Match>
              <Match when={row.type === 'collapsed' && row}>
                {(r) => (
                  <Show
                    when={open().has(r().from)}
                    fallback={
                      <button
                        type="button"
                        class="flex w-full items-center gap-1.5 border-l-2 border-transparent py-[3px] pl-3 text-left text-[11.5px] text-faint hover:text-muted"
                        onClick={() => setOpen(new Set([...open(), r().from]))}
                        data-testid="app-stack-fold"
                      >
                        <ChevronRight size={12} />
                        {r().label}
                      </button>
                    }
                  >
                    <For each={r().frames}>{(f) => <Frame f={f} />}</For>
                  </Show>
                )}
              </Match>
            </Switch>
          )}
        </For>
      </Show>
    </div>
  );
}

function ExceptionRow(props: { group: ApmExceptionGroup; now: number }) {
  const [expanded, setExpanded] = createSignal(false);
  const where = () => topAppFrame(props.group.frames);
  return (
    <li class="px-4 py-3" data-testid="app-exception">
      <button type="button" class="flex w-full min-w-0 items-start gap-3 text-left" onClick={() => setExpanded(!expanded())} aria-expanded={expanded()} data-testid="app-exception-toggle">
        <ChevronRight size={15} class="mt-0.5 shrink-0 text-faint transition-transform" classList={{ 'rotate-90': expanded() }} />
        <div class="min-w-0 flex-1">
          <div class="flex min-w-0 items-baseline gap-2">
            <span class="shrink-0 text-[13px] font-semibold text-crit">{props.group.type}</span>
            <span class="min-w-0 truncate text-[13px] text-fg" classList={{ 'whitespace-normal! break-words': expanded() }} title={props.group.message}>
              {props.group.message}
            </span>
          </div>
          <Show when={where()}>
            {(w) => (
              <div class="mt-0.5 truncate font-mono text-[11.5px] text-muted">
                {w().fn} · {w().location}
              </div>
            )}
          </Show>
        </div>
        <div class="shrink-0 text-right">
          <div class="num text-[13px] font-semibold text-fg" data-testid="app-exception-count">
            {formatCount(props.group.count)}×
          </div>
          <div class="num text-[11px] whitespace-nowrap text-faint" title={`first ${new Date(props.group.firstSeen).toLocaleString()} · last ${new Date(props.group.lastSeen).toLocaleString()}`}>
            last {formatAgo(props.group.lastSeen, props.now)} · first {formatAgo(props.group.firstSeen, props.now)}
          </div>
        </div>
      </button>
      <Show when={expanded()}>
        <div class="pl-7">
          <Stack group={props.group} />
          <Show when={props.group.context && Object.keys(props.group.context).length > 0}>
            <dl class="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 rounded-lg border bg-surface-2 px-3 py-1.5 text-[11.5px]" data-testid="app-exception-context">
              <For each={Object.entries(props.group.context ?? {})}>
                {([key, value]) => (
                  <>
                    <dt class="text-faint">{key}</dt>
                    <dd class="num min-w-0 truncate font-mono text-muted" title={contextText(value)}>{contextText(value)}</dd>
                  </>
                )}
              </For>
            </dl>
          </Show>
          <div class="mt-2 flex flex-wrap items-center gap-1.5 text-[11px] text-faint">
            <Chip>fingerprint {props.group.fingerprint.slice(0, 12)}</Chip>
            <span>The stack is one sample of this group; frames of your code are highlighted, dependencies dimmed.</span>
          </div>
        </div>
      </Show>
    </li>
  );
}

/** Exceptions grouped by fingerprint (one bug, many occurrences), most frequent first. */
export function ExceptionsCard(props: { groups: readonly ApmExceptionGroup[]; now: number; periodLabel: string }) {
  return (
    <Card title="Exceptions" hint={`by group · ${props.periodLabel}`} flush testId="app-exceptions">
      <Show when={props.groups.length} fallback={<div class="px-4 py-8 text-center text-[13px] text-muted">No exception in this period.</div>}>
        <ul class="divide-y">
          <For each={props.groups}>{(g) => <ExceptionRow group={g} now={props.now} />}</For>
        </ul>
      </Show>
    </Card>
  );
}

/** A context value as one line: strings as they are, everything else as JSON. */
function contextText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}
