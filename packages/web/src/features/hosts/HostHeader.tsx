import type { Resource } from '@pulse/protocol';
import { Show, type JSX } from 'solid-js';
import { formatAgo, formatDuration } from '../../lib/format';
import { createNow } from '../../lib/now';
import { metric, typeLabel } from '../infrastructure/model';
import { ResourceHeader } from '../infrastructure/ResourceHeader';
import { SourceList } from '../infrastructure/SourceList';
import { systemOf } from './details';

/** `aside` sits at the right of the title row, for live facts about the page itself (who else is viewing). */
export function HostHeader(props: { r: Resource; aside?: JSX.Element }) {
  const now = createNow(1_000);
  const system = () => systemOf(props.r);
  const uptime = () => metric(props.r, 'uptime') ?? (system().bootTime ? (now() - system().bootTime! * (system().bootTime! > 1e12 ? 1 : 1000)) / 1000 : undefined);

  return (
    <ResourceHeader
      r={props.r}
      crumbs={[{ href: '/', label: 'Infrastructure', testId: 'back-to-infrastructure' }]}
      subtitle={
        <>
          {typeLabel[props.r.type]}
          <Show when={system().hostname && system().hostname !== props.r.name}> · {system().hostname}</Show>
          <Show when={props.r.identity.ips?.length}> · {props.r.identity.ips!.slice(0, 2).join(', ')}</Show>
          {' · '}
          <SourceList r={props.r} testId="host-sources" />
        </>
      }
      aside={props.aside}
      facts={[
        { label: 'Uptime', value: formatDuration(uptime()), testId: 'host-uptime' },
        { label: 'OS', value: system().os ?? '—', testId: 'host-os' },
        { label: 'Kernel', value: system().kernel ?? '—', testId: 'host-kernel' },
        { label: 'CPU', value: system().cpuModel ?? '—', testId: 'host-cpu-model' },
        { label: 'Last report', value: formatAgo(props.r.lastSeen, now()), testId: 'host-last-seen' },
      ]}
      factColumns="xl:grid-cols-[auto_auto_auto_minmax(0,1.6fr)_auto]"
      testId="host-header"
    />
  );
}
