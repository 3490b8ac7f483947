import { For, Show } from 'solid-js';
import Server from 'lucide-solid/icons/server';
import { formatAgo, formatBytes, formatPercent } from '../../lib/format';
import { Card } from '../../ui/Card';
import { MetricBar } from '../../ui/MetricBar';
import { StatusBadge } from '../../ui/StatusBadge';
import { toneText } from '../../ui/tone';
import { eventLoopTone, formatLatency, instanceGauges, sortInstances } from './app-model';
import type { ApmInstanceView } from './app-types';

function Gauge(props: { label: string; value: string; detail?: string; percent: number | undefined; testId?: string }) {
  return (
    <div class="min-w-0" data-testid={props.testId}>
      <div class="mb-1 flex items-baseline justify-between gap-2 text-xs">
        <span class="text-muted">{props.label}</span>
        <span class="num truncate font-medium text-fg">
          {props.value}
          <Show when={props.detail}>
            <span class="font-normal text-faint"> {props.detail}</span>
          </Show>
        </span>
      </div>
      <MetricBar value={props.percent} size="sm" label={props.label} />
    </div>
  );
}

function InstanceTile(props: { i: ApmInstanceView; now: number }) {
  const g = () => instanceGauges(props.i);
  return (
    <div
      class="flex min-w-0 flex-col gap-3 rounded-lg border bg-surface-2/40 p-3.5"
      classList={{ 'opacity-60': !props.i.online }}
      data-testid="app-instance"
      data-online={props.i.online ? 'true' : 'false'}
    >
      <div class="flex min-w-0 items-start gap-2.5">
        <span class="mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-md border bg-surface text-muted">
          <Server size={14} />
        </span>
        <div class="min-w-0 flex-1">
          <div class="truncate text-[13px] font-medium text-fg" title={props.i.instanceId}>
            {props.i.hostname}
          </div>
          <div class="num truncate text-[11.5px] text-faint">pid {props.i.pid}</div>
        </div>
        <Show
          when={props.i.online}
          // The page clock ticks every 5 s; the moment an instance turns lost it may still be up to 5 s
          // behind, and an instance lost after its ttl would read "seen just now".
          fallback={<StatusBadge tone="unknown" label={`lost · seen ${formatAgo(props.i.lastSeen, Math.max(props.now, Date.now()))}`} title={new Date(props.i.lastSeen).toLocaleString()} testId="app-instance-lost" />}
        >
          <StatusBadge tone="ok" label="online" />
        </Show>
      </div>
      <div class="grid grid-cols-1 gap-2.5">
        <Gauge
          label="Process CPU"
          value={formatPercent(props.i.cpu, 0)}
          detail={props.i.hostCpu !== undefined ? `host ${formatPercent(props.i.hostCpu, 0)}` : undefined}
          percent={g().cpu}
          testId="app-instance-cpu"
        />
        <Gauge label="Memory (RSS)" value={formatBytes(props.i.rss)} detail={props.i.hostMemTotal ? `of ${formatBytes(props.i.hostMemTotal)}` : undefined} percent={g().rssOfHost} testId="app-instance-rss" />
        <Gauge label="Heap" value={formatBytes(props.i.heapUsed)} detail={props.i.heapTotal ? `of ${formatBytes(props.i.heapTotal)}` : undefined} percent={g().heap} testId="app-instance-heap" />
      </div>
      <Show when={!props.i.online}>
        <div class="-mt-1 text-[11px] text-faint">Figures from its last heartbeat.</div>
      </Show>
      <div class="flex items-baseline justify-between border-t pt-2.5 text-xs">
        <span class="text-muted">Event-loop delay p99</span>
        <span class={`num font-medium ${props.i.online ? toneText[eventLoopTone(props.i.eventLoopP99Ms)] : 'text-muted'}`} data-testid="app-instance-eventloop">
          {formatLatency(props.i.eventLoopP99Ms)}
        </span>
      </div>
    </div>
  );
}

/** Every process of the app: how hard it works and whether it still reports. */
export function ServersCard(props: { instances: readonly ApmInstanceView[]; now: number }) {
  const list = () => sortInstances(props.instances);
  const lost = () => props.instances.filter((i) => !i.online).length;
  return (
    <Card
      title="Servers"
      hint={`${props.instances.length - lost()} online${lost() ? ` · ${lost()} lost` : ''}`}
      testId="app-servers"
    >
      <Show when={list().length} fallback={<div class="py-6 text-center text-[13px] text-muted">No instance has reported in this period.</div>}>
        <div class="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
          <For each={list()}>{(i) => <InstanceTile i={i} now={props.now} />}</For>
        </div>
      </Show>
    </Card>
  );
}
