import type { AgentInfo } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { Show, type Accessor } from 'solid-js';
import Trash from 'lucide-solid/icons/trash';
import { formatAgo } from '../../lib/format';
import { StatusBadge, StatusDot } from '../../ui/StatusBadge';
import { Table, type Column } from '../../ui/Table';
import { dateTimeLabel } from '../../ui/time-labels';
import { useResources } from '../infrastructure/store';
import { resourceHref } from '../workloads/cells';
import { agentStatusView, dockerView, formatInterval, hasSkew, skewText } from './agent-model';

export interface AgentsTableProps {
  agents: readonly AgentInfo[];
  now: Accessor<number>;
  /** Set for admins: the remove button calls it. */
  onRemove?: (agent: AgentInfo) => void;
}

/** Every enrolled agent: whether it reports, what it runs, its engine and clock. */
export function AgentsTable(props: AgentsTableProps) {
  const store = useResources();
  // The host link only while the resource exists (it goes with the agent's last report, or a removal).
  const hostOf = (a: AgentInfo) => (a.resourceId ? store.get(a.resourceId) : undefined);
  const columns: Column<AgentInfo>[] = [
    {
      key: 'host',
      header: 'Host',
      class: 'max-w-64',
      cell: (a) => (
        <div class="min-w-0">
          <Show when={hostOf(a)} fallback={<span class="block truncate font-medium text-fg" data-testid="agent-hostname">{a.hostname}</span>}>
            {(r) => (
              <A href={resourceHref(r().id)} class="block truncate font-medium text-fg hover:underline" data-testid="agent-hostname">
                {a.hostname}
              </A>
            )}
          </Show>
          <div class="truncate font-mono text-[11px] text-faint" title="Agent id">
            {a.id}
          </div>
        </div>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (a) => <StatusBadge tone={agentStatusView[a.status].tone} label={agentStatusView[a.status].label} title={agentStatusView[a.status].title} testId="agent-status" />,
    },
    { key: 'version', header: 'Version', cell: (a) => <span class="num text-muted">{a.version}</span> },
    {
      key: 'last',
      header: 'Last report',
      class: 'whitespace-nowrap',
      cell: (a) => (
        <span class="num" classList={{ 'text-crit': a.status === 'offline', 'text-fg': a.status !== 'offline' }} title={a.lastReportAt ? new Date(a.lastReportAt).toLocaleString() : 'Never'} data-testid="agent-last-report">
          {a.lastReportAt === null ? 'never' : formatAgo(a.lastReportAt, props.now())}
        </span>
      ),
    },
    { key: 'interval', header: 'Every', cell: (a) => <span class="num whitespace-nowrap text-muted">{formatInterval(a.intervalMs)}</span> },
    {
      key: 'docker',
      header: 'Containers',
      cell: (a) => (
        <span class="inline-flex items-center gap-2 whitespace-nowrap" title={dockerView(a.docker).detail} data-testid="agent-docker-state">
          <StatusDot tone={dockerView(a.docker).tone} />
          <span classList={{ 'text-warn': a.docker?.state === 'error', 'text-muted': a.docker?.state !== 'error' }}>{dockerView(a.docker).label}</span>
        </span>
      ),
    },
    {
      key: 'clock',
      header: 'Clock',
      cell: (a) => (
        <Show when={hasSkew(a.clockSkewMs)} fallback={<span class="text-faint">in step</span>}>
          <span class="whitespace-nowrap text-warn" data-testid="agent-clock-skew">
            {skewText(a.clockSkewMs)}
          </span>
        </Show>
      ),
    },
    { key: 'enrolled', header: 'Enrolled', class: 'whitespace-nowrap', cell: (a) => <span class="num text-muted">{dateTimeLabel(a.enrolledAt, props.now())}</span> },
    {
      key: 'actions',
      header: '',
      align: 'right',
      class: 'w-12',
      cell: (a) => (
        <Show when={props.onRemove}>
          {(onRemove) => (
            <button
              type="button"
              class="inline-flex size-8 items-center justify-center rounded-lg text-faint transition-colors hover:bg-crit-soft hover:text-crit"
              aria-label={`Remove the agent on ${a.hostname}`}
              title="Remove agent"
              onClick={() => onRemove()(a)}
              data-testid="agent-remove"
            >
              <Trash size={15} />
            </button>
          )}
        </Show>
      ),
    },
  ];
  return <Table columns={props.onRemove ? columns : columns.filter((c) => c.key !== 'actions')} rows={props.agents} rowKey={(a) => a.id} testId="agents-table" />;
}
