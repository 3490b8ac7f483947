import type { MonitorState, MonitorType } from '@pulse/protocol';
import { Show } from 'solid-js';
import Globe from 'lucide-solid/icons/globe';
import Network from 'lucide-solid/icons/network';
import Radar from 'lucide-solid/icons/radar';
import Signpost from 'lucide-solid/icons/signpost';
import Webhook from 'lucide-solid/icons/webhook';
import { Dynamic } from 'solid-js/web';
import { StatusBadge } from '../../ui/StatusBadge';
import { toneText } from '../../ui/tone';
import { formatUptime, stateLabel, stateTone, uptimeTone } from './monitor-model';

export function MonitorStateBadge(props: { state: MonitorState; title?: string; testId?: string }) {
  return <StatusBadge tone={stateTone[props.state]} label={stateLabel[props.state]} title={props.title} testId={props.testId} />;
}

const typeIcons = { http: Globe, tcp: Network, dns: Signpost, ping: Radar, push: Webhook } as const;

export function MonitorTypeIcon(props: { type?: MonitorType; size?: number }) {
  return <Dynamic component={props.type ? typeIcons[props.type] : Globe} size={props.size ?? 15} />;
}

/** An uptime percentage coloured by how good it is. */
export function UptimeFigure(props: { value: number | null | undefined; class?: string; testId?: string }) {
  return (
    <Show when={typeof props.value === 'number'} fallback={<span class="text-faint">—</span>}>
      <span class={`num font-medium ${toneText[uptimeTone(props.value)]} ${props.class ?? ''}`} data-testid={props.testId}>
        {formatUptime(props.value)}
      </span>
    </Show>
  );
}
