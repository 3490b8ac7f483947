import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import { formatCount } from '../../lib/format';
import { createNow } from '../../lib/now';
import { StatusBadge } from '../../ui/StatusBadge';
import { dateTimeLabel } from '../../ui/time-labels';
import { ResourceHeader } from '../infrastructure/ResourceHeader';
import { useResources } from '../infrastructure/store';
import { resourceHref } from '../workloads/cells';
import { containerFactsOf, currentState, diedBadly, healthLabel, portLabels, uptimeText } from '../workloads/container-model';
import { metric, statusLabel } from '../infrastructure/model';

/** A container's name, state and where it runs, with the facts that say how it has been doing. */
export function ContainerHeader(props: { r: Resource; aside?: JSX.Element }) {
  const store = useResources();
  const now = createNow(1_000);
  const facts = () => containerFactsOf(props.r);
  const state = () => currentState(props.r, facts());
  const host = () => (props.r.parentId ? store.get(props.r.parentId) : undefined);
  const isRunning = () => facts().state === 'running' || facts().state === 'paused';
  const ports = () => portLabels(facts().ports);
  const restarts = () => metric(props.r, 'restarts');

  return (
    <ResourceHeader
      r={props.r}
      crumbs={[
        { href: '/workloads', label: 'Workloads', testId: 'back-to-workloads' },
        ...(host() ? [{ href: resourceHref(host()!.id), label: host()!.name }] : []),
      ]}
      hideStatus
      badges={
        <>
          <StatusBadge tone={state().tone} label={state().label} title={`${statusLabel[props.r.status]} · ${facts().statusText ?? ''}`} testId="container-state" />
        </>
      }
      subtitle={
        <>
          <span class="font-mono text-[12px]" data-testid="container-image">
            {facts().image ?? 'unknown image'}
          </span>
          <Show when={host()}>
            {(h) => (
              <>
                {' · on '}
                <A href={resourceHref(h().id)} class="text-fg hover:underline" data-testid="container-host-link">
                  {h().name}
                </A>
              </>
            )}
          </Show>
          <Show when={facts().composeProject}>
            {' · compose '}
            <span class="text-fg" data-testid="container-compose">
              {facts().composeProject}
              <Show when={facts().composeService}> / {facts().composeService}</Show>
            </span>
          </Show>
        </>
      }
      aside={props.aside}
      facts={[
        { label: isRunning() ? 'Uptime' : 'State', value: uptimeText(facts(), now()), testId: 'container-uptime' },
        { label: 'Health', value: healthLabel[facts().health], testId: 'container-health' },
        {
          label: 'Restarts',
          value: <span classList={{ 'text-warn': (restarts() ?? 0) > 0 }}>{formatCount(restarts())}</span>,
          title: 'Restarts since the container was created',
          testId: 'container-restarts',
        },
        {
          label: 'Exit code',
          value: (
            <Show when={!isRunning() && facts().exitCode !== undefined} fallback={<span class="text-faint">{isRunning() ? 'running' : '—'}</span>}>
              <span classList={{ 'text-crit font-medium': diedBadly(facts()) }}>
                {facts().exitCode}
                <Show when={facts().oomKilled}> · OOM-killed</Show>
              </span>
            </Show>
          ),
          testId: 'container-exit-code',
        },
        {
          label: isRunning() || facts().finishedAt === undefined ? 'Started' : 'Finished',
          value: (() => {
            const at = isRunning() || facts().finishedAt === undefined ? facts().startedAt : facts().finishedAt;
            return at === undefined ? '—' : dateTimeLabel(at, now());
          })(),
          testId: 'container-started',
        },
        {
          label: 'Ports',
          value: ports().length ? ports().join(', ') : <span class="text-faint">none published</span>,
          title: ports().join(', '),
          testId: 'container-ports',
        },
      ]}
      factColumns="xl:grid-cols-[repeat(5,auto)_minmax(0,1.6fr)]"
      testId="container-header"
    />
  );
}
