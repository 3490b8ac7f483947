import type { Resource } from '@pulse/protocol';
import { createMemo, Show, untrack } from 'solid-js';
import { ResourceAlertsCard } from '../alerts/ResourceAlertsCard';
import { HistoryCards } from '../history/HistoryCards';
import { useResources } from '../infrastructure/store';
import { ContainersCard } from '../workloads/ContainersCard';
import { agentOf, dockerOf } from './agent-details';
import { AgentBanners } from './AgentBanners';
import { AgentCard } from './AgentCard';
import { CpuCard } from './CpuCard';
import { chartsFor } from './history-charts';
import { HostHeader } from './HostHeader';
import { MemoryCard } from './MemoryCard';
import { NetworkCard } from './NetworkCard';
import { pressureOf } from './pressure';
import { PressureCard } from './PressureCard';
import { ProcessesCard } from './ProcessesCard';
import { DisksCard, FilesystemsCard } from './StorageCards';
import { temperaturesOf } from './temperatures';
import { TemperaturesCard } from './TemperaturesCard';
import { topProcessesOf } from './top-processes';
import { TopProcessesCard } from './TopProcessesCard';
import { ViewerCount } from './ViewerCount';

// Full class names, so Tailwind finds them: as many columns as there are cards, up to three.
const rowColumns = ['', '', 'lg:grid-cols-2', 'lg:grid-cols-2 xl:grid-cols-3'] as const;

/** Everything about one host, live: the resource from the shared list, the charts from its own channel. */
export default function HostDetailPage(props: { r: Resource }) {
  const hasAgent = () => agentOf(props.r) !== undefined;
  const hasTemperatures = () => temperaturesOf(props.r).length > 0;
  const hasPressure = () => pressureOf(props.r).length > 0;
  const hasTop = () => topProcessesOf(props.r) !== undefined;
  const machineCards = createMemo(() => [hasAgent(), hasTemperatures(), hasPressure()].filter(Boolean).length);
  const store = useResources();
  // An engine that answers gets the card even with no containers yet: "none" is worth saying.
  const hasContainers = createMemo(() => dockerOf(props.r)?.state === 'ok' || store.state.resources.some((c) => c.type === 'app-container' && c.parentId === props.r.id));

  return (
    <div class="space-y-5 pb-8" data-testid="host-detail">
      {/* The viewer count and the charts both listen on resource:<id>. Mounted in the same
          render they share one subscribe; a later second listener would make the client
          start the subscription over, flickering a leave and join to everyone else. */}
      <HostHeader
        r={props.r}
        aside={
          <Show when={props.r.id} keyed>
            {(key) => <ViewerCount id={key} />}
          </Show>
        }
      />
      <AgentBanners r={props.r} />
      <ResourceAlertsCard resourceId={props.r.id} />
      <div class="grid gap-4 xl:grid-cols-3">
        <div class="flex xl:col-span-2">
          <CpuCard r={props.r} />
        </div>
        <MemoryCard r={props.r} />
      </div>
      <Show when={machineCards() > 0}>
        <div class={`grid gap-4 ${rowColumns[machineCards()]}`} data-testid="machine-cards">
          <Show when={hasAgent()}>
            <AgentCard r={props.r} />
          </Show>
          <Show when={hasTemperatures()}>
            <TemperaturesCard r={props.r} />
          </Show>
          <Show when={hasPressure()}>
            <PressureCard r={props.r} />
          </Show>
        </div>
      </Show>
      {/* Keyed by id: moving to another host starts its own history and subscription. The
          charted metrics are those the host reports when the page opens. */}
      <Show when={props.r.id} keyed>
        {(key) => <HistoryCards id={key} charts={chartsFor(new Set(Object.keys(untrack(() => props.r.metrics))))} />}
      </Show>
      <Show when={hasContainers()}>
        <ContainersCard hostId={props.r.id} hostName={props.r.name} />
      </Show>
      <div class="grid gap-4 xl:grid-cols-3">
        <Show when={hasTop()}>
          <div class="flex xl:col-span-2">
            <TopProcessesCard r={props.r} />
          </div>
        </Show>
        <ProcessesCard r={props.r} />
        <Show when={!hasTop()}>
          <div class="flex xl:col-span-2">
            <DisksCard r={props.r} />
          </div>
        </Show>
      </div>
      <FilesystemsCard r={props.r} />
      <Show when={hasTop()}>
        <DisksCard r={props.r} />
      </Show>
      <NetworkCard r={props.r} />
    </div>
  );
}
