import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import ArrowDown from 'lucide-solid/icons/arrow-down';
import ArrowUp from 'lucide-solid/icons/arrow-up';
import Lock from 'lucide-solid/icons/lock';
import ServerCog from 'lucide-solid/icons/server-cog';
import ShieldCheck from 'lucide-solid/icons/shield-check';
import { formatAgo, formatBytes, formatPercent, formatRate, trimZeros } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Chip } from '../../ui/Chip';
import { EmptyState } from '../../ui/EmptyState';
import { MetricBar } from '../../ui/MetricBar';
import { StatusBadge } from '../../ui/StatusBadge';
import type { Tone } from '../../ui/tone';
import { useSession } from '../auth/session';
import { BACKUP_STALE_MS } from './guest-rows';
import { haTone, memSourceExplained, memSourceLabel, type GuestState, type MemSource } from './model';

/* Pieces the Proxmox pages share. */

export const guestStateTone: Record<GuestState, Tone> = { running: 'ok', paused: 'warn', stopped: 'unknown', unknown: 'unknown' };
export const guestStateLabel: Record<GuestState, string> = { running: 'Running', paused: 'Paused', stopped: 'Stopped', unknown: 'Unknown' };

export function GuestStateBadge(props: { state: GuestState; testId?: string }) {
  return <StatusBadge tone={guestStateTone[props.state]} label={guestStateLabel[props.state]} testId={props.testId} />;
}

/** A bar with its percentage, and "used / total" under it when both are known. */
export function UsageCell(props: { percent?: number; used?: number; total?: number; label: string; testId?: string }) {
  return (
    <Show when={props.percent !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="w-full min-w-0">
        <div class="mb-1.5 flex items-baseline justify-between gap-2">
          <span class="num text-[13px] text-fg" data-testid={props.testId}>
            {formatPercent(props.percent, 0)}
          </span>
          <Show when={props.total !== undefined}>
            <span class="num truncate text-[11px] text-faint" title={`${formatBytes(props.used)} of ${formatBytes(props.total)}`}>
              of {trimZeros(formatBytes(props.total))}
            </span>
          </Show>
        </div>
        <MetricBar value={props.percent} size="xs" label={props.label} />
      </div>
    </Show>
  );
}

/** Two rates stacked: in and out, read and write. */
export function RatePair(props: { a?: number; b?: number; aLabel: string; bLabel: string; title: string }) {
  return (
    <Show when={props.a !== undefined || props.b !== undefined} fallback={<span class="text-faint">—</span>}>
      <div class="num min-w-0 space-y-0.5 text-xs leading-tight" title={props.title}>
        <div class="flex items-center gap-1 truncate text-fg">
          <ArrowDown size={11} class="shrink-0 text-accent" aria-label={props.aLabel} />
          {trimZeros(formatRate(props.a))}
        </div>
        <div class="flex items-center gap-1 truncate text-muted">
          <ArrowUp size={11} class="shrink-0 text-chart-2" aria-label={props.bLabel} />
          {trimZeros(formatRate(props.b))}
        </div>
      </div>
    </Show>
  );
}

export function TagChips(props: { tags: readonly string[]; max?: number }) {
  const shown = () => props.tags.slice(0, props.max ?? props.tags.length);
  const more = () => props.tags.length - shown().length;
  return (
    <span class="inline-flex min-w-0 items-center gap-1 overflow-hidden" data-testid="guest-tags">
      <For each={shown()}>{(t) => <Chip>{t}</Chip>}</For>
      <Show when={more() > 0}>
        <span class="text-[11px] text-faint" title={props.tags.join(', ')}>
          +{more()}
        </span>
      </Show>
    </span>
  );
}

/** HA and lock flags, only when set. */
export function GuestFlags(props: { haState?: string; lock?: string }) {
  return (
    <>
      <Show when={props.haState}>
        <Chip tone={haTone(props.haState)} icon={<ShieldCheck size={11} />} title={`High availability: ${props.haState}`} testId="guest-ha">
          HA
        </Chip>
      </Show>
      <Show when={props.lock}>
        <Chip tone="warn" icon={<Lock size={10} />} title={`Locked: ${props.lock}`} testId="guest-lock">
          {props.lock}
        </Chip>
      </Show>
    </>
  );
}

/** "3 d ago" in the warning colour once older than a week, "never" in red. */
export function BackupAge(props: { at?: number; now: number; template?: boolean; testId?: string }) {
  const stale = () => props.at !== undefined && props.now - props.at > BACKUP_STALE_MS;
  return (
    <Show when={!props.template} fallback={<span class="text-xs text-faint">template</span>}>
      <span
        class="num truncate text-xs"
        classList={{ 'text-crit font-medium': props.at === undefined, 'text-warn font-medium': stale(), 'text-muted': props.at !== undefined && !stale() }}
        title={props.at === undefined ? 'No backup found' : new Date(props.at).toLocaleString()}
        data-testid={props.testId}
      >
        {props.at === undefined ? 'never' : formatAgo(props.at, props.now)}
      </span>
    </Show>
  );
}

/** Where a memory figure comes from, in a word, with the reason in a tooltip. */
export function MemSourceHint(props: { source?: MemSource }) {
  return (
    <Show when={props.source}>
      {(s) => (
        <span class="cursor-help text-[11px] text-faint underline decoration-dotted underline-offset-2" title={memSourceExplained[s()]} data-testid="mem-source">
          {memSourceLabel[s()]}
        </span>
      )}
    </Show>
  );
}

/** What every Proxmox page shows before any connection reports: the way to add one. */
export function NoProxmox(props: { what: string; testId?: string }) {
  const session = useSession();
  const isAdmin = () => session.info()?.scopes.includes('admin') ?? false;
  return (
    <div class="rounded-xl border bg-surface shadow-card">
      <EmptyState
        icon={<ServerCog size={20} />}
        title="No Proxmox connection yet"
        action={
          <Show when={isAdmin()} fallback={<span class="text-xs text-faint">Ask an admin to add one.</span>}>
            <A href="/system/connections?add=1">
              <Button variant="primary">Add a Proxmox connection</Button>
            </A>
          </Show>
        }
        testId={props.testId ?? 'proxmox-empty'}
      >
        {props.what} show up here once Pulse can read a Proxmox VE or Backup Server: add a connection with an API token (the setup script
        creates a read-only one for you).
      </EmptyState>
    </div>
  );
}
