import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import { formatAgo, formatDuration } from '../../lib/format';
import { StatusBadge } from '../../ui/StatusBadge';
import { metric, statusLabel, statusTone, typeLabel } from '../infrastructure/model';
import { TypeIcon } from '../infrastructure/TypeIcon';
import { systemOf } from './details';

/** `aside` sits at the right of the title row, for live facts about the page itself (who else is viewing). */
export function HostHeader(props: { r: Resource; aside?: JSX.Element }) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));

  const system = () => systemOf(props.r);
  const uptime = () => metric(props.r, 'uptime') ?? (system().bootTime ? (now() - system().bootTime! * (system().bootTime! > 1e12 ? 1 : 1000)) / 1000 : undefined);
  const facts = () => [
    { label: 'Uptime', value: formatDuration(uptime()), testId: 'host-uptime' },
    { label: 'OS', value: system().os ?? '—', testId: 'host-os' },
    { label: 'Kernel', value: system().kernel ?? '—', testId: 'host-kernel' },
    { label: 'CPU', value: system().cpuModel ?? '—', testId: 'host-cpu-model' },
    { label: 'Last report', value: formatAgo(props.r.lastSeen, now()), testId: 'host-last-seen' },
  ];

  return (
    <header data-testid="host-header">
      <nav class="mb-3 flex items-center gap-1.5 text-xs text-muted" aria-label="Breadcrumb">
        <A href="/" class="hover:text-fg" data-testid="back-to-infrastructure">
          Infrastructure
        </A>
        <ChevronRight size={12} class="text-faint" />
        <span class="truncate text-fg">{props.r.name}</span>
      </nav>
      <div class="flex flex-wrap items-center gap-3">
        <div class="flex size-10 items-center justify-center rounded-xl border bg-surface text-muted shadow-card">
          <TypeIcon type={props.r.type} size={19} />
        </div>
        <div class="min-w-0">
          <div class="flex items-center gap-3">
            <h1 class="truncate text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg" data-testid="host-name">
              {props.r.name}
            </h1>
            <StatusBadge tone={statusTone[props.r.status]} label={statusLabel[props.r.status]} testId="host-status" />
          </div>
          <div class="mt-0.5 text-xs text-muted">
            {typeLabel[props.r.type]}
            <Show when={system().hostname && system().hostname !== props.r.name}> · {system().hostname}</Show>
            <Show when={props.r.identity.ips?.length}> · {props.r.identity.ips!.slice(0, 2).join(', ')}</Show>
          </div>
        </div>
        <div class="ml-auto flex items-center gap-2">{props.aside}</div>
      </div>
      <dl class="mt-5 grid grid-cols-2 gap-px overflow-hidden rounded-xl border bg-border shadow-card sm:grid-cols-3 xl:grid-cols-[auto_auto_auto_minmax(0,1.6fr)_auto]">
        <For each={facts()}>
          {(f) => (
            <div class="min-w-0 bg-surface px-4 py-3">
              <dt class="text-[11px] font-medium tracking-wide text-faint uppercase">{f.label}</dt>
              <dd class="num mt-1 truncate text-[13px] text-fg" title={f.value} data-testid={f.testId}>
                {f.value}
              </dd>
            </div>
          )}
        </For>
      </dl>
    </header>
  );
}
