import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { For, Show, type JSX } from 'solid-js';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import { StatusBadge } from '../../ui/StatusBadge';
import { statusLabel, statusTone } from './model';
import { TypeIcon } from './TypeIcon';

export interface HeaderFact {
  label: string;
  value: JSX.Element;
  /** The whole value for a tooltip, when it may be cut. */
  title?: string;
  testId?: string;
}

export interface ResourceHeaderProps {
  r: Resource;
  /** The trail above the title, the resource itself last (added here). */
  crumbs: { href: string; label: string; testId?: string }[];
  subtitle: JSX.Element;
  /** Beside the status badge: a state, a flag. */
  badges?: JSX.Element;
  /** Leave the status badge out, for a page whose own badge says more (a container's state). */
  hideStatus?: boolean;
  /** At the right of the title row, for live facts about the page itself (who else is viewing). */
  aside?: JSX.Element;
  facts: HeaderFact[];
  /** Grid columns of the facts strip at its widest (a Tailwind class). */
  factColumns: string;
  testId?: string;
}

/** The top of a resource's page: where it sits, what it is, its status and a strip of key facts. */
export function ResourceHeader(props: ResourceHeaderProps) {
  return (
    <header data-testid={props.testId}>
      <nav class="mb-3 flex min-w-0 items-center gap-1.5 text-xs text-muted" aria-label="Breadcrumb">
        <For each={props.crumbs}>
          {(c) => (
            <>
              <A href={c.href} class="shrink-0 hover:text-fg" data-testid={c.testId}>
                {c.label}
              </A>
              <ChevronRight size={12} class="shrink-0 text-faint" />
            </>
          )}
        </For>
        <span class="truncate text-fg">{props.r.name}</span>
      </nav>
      <div class="flex flex-wrap items-center gap-3">
        <div class="flex size-10 shrink-0 items-center justify-center rounded-xl border bg-surface text-muted shadow-card">
          <TypeIcon type={props.r.type} size={19} />
        </div>
        <div class="min-w-0">
          <div class="flex min-w-0 items-center gap-2">
            <h1 class="mr-1 truncate text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg" data-testid="host-name">
              {props.r.name}
            </h1>
            <Show when={!props.hideStatus}>
              <StatusBadge tone={statusTone[props.r.status]} label={statusLabel[props.r.status]} testId="host-status" />
            </Show>
            {props.badges}
          </div>
          <div class="mt-0.5 truncate text-xs text-muted">{props.subtitle}</div>
        </div>
        <div class="ml-auto flex items-center gap-2">{props.aside}</div>
      </div>
      <dl class={`mt-5 grid grid-cols-2 gap-px overflow-hidden rounded-xl border bg-border shadow-card sm:grid-cols-3 ${props.factColumns}`}>
        <For each={props.facts}>
          {(f) => (
            <div class="min-w-0 bg-surface px-4 py-3">
              <dt class="text-[11px] font-medium tracking-wide text-faint uppercase">{f.label}</dt>
              <dd class="num mt-1 truncate text-[13px] text-fg" title={f.title ?? (typeof f.value === 'string' ? f.value : undefined)} data-testid={f.testId}>
                {f.value}
              </dd>
            </div>
          )}
        </For>
      </dl>
    </header>
  );
}
