import type { Resource } from '@pulse/protocol';
import { Show } from 'solid-js';
import { formatAgo, formatCount } from '../../lib/format';
import { createNow } from '../../lib/now';
import { readString } from '../../lib/read-json';
import { Banner } from '../../ui/Banner';
import { engineShortName } from '../agents/agent-model';
import { ViewerCount } from '../hosts/ViewerCount';
import { metric } from '../infrastructure/model';
import { ResourceHeader } from '../infrastructure/ResourceHeader';
import { ContainersCard } from '../workloads/ContainersCard';

/** A Docker engine the server polls directly (`[[docker.remotes]]`): whether it answers, and its containers. */
export default function DockerHostPage(props: { r: Resource }) {
  const now = createNow(1_000);
  const detail = (key: string) => readString(props.r.details[key]);
  const count = (key: string) => formatCount(metric(props.r, `containers.${key}`));
  return (
    <div class="space-y-5 pb-8" data-testid="docker-host-detail">
      <ResourceHeader
        r={props.r}
        crumbs={[{ href: '/', label: 'Infrastructure', testId: 'back-to-infrastructure' }]}
        subtitle={
          <>
            Docker engine · <span class="font-mono text-[12px]">{detail('endpoint') ?? props.r.source}</span>
            <Show when={detail('engine')}> · {engineShortName(detail('engine'))}</Show>
            <Show when={detail('apiVersion')}> · API {detail('apiVersion')}</Show>
          </>
        }
        aside={
          <Show when={props.r.id} keyed>
            {(key) => <ViewerCount id={key} />}
          </Show>
        }
        facts={[
          { label: 'Containers', value: count('total') },
          { label: 'Running', value: count('running') },
          { label: 'Stopped', value: count('stopped') },
          { label: 'Unhealthy', value: <span classList={{ 'text-warn': (metric(props.r, 'containers.unhealthy') ?? 0) > 0 }}>{count('unhealthy')}</span> },
          { label: 'Last answer', value: formatAgo(props.r.lastSeen, now()) },
        ]}
        factColumns="xl:grid-cols-5"
        testId="docker-host-header"
      />
      <Show when={detail('state') !== 'ok' && detail('error')}>
        <Banner tone={detail('state') === 'unavailable' ? 'crit' : 'warn'} title="Pulse cannot read this engine" testId="docker-host-error">
          {detail('error')} The containers below show their last known state.
        </Banner>
      </Show>
      <ContainersCard hostId={props.r.id} hostName={props.r.name} />
    </div>
  );
}
