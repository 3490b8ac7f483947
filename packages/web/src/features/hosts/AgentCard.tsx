import type { Resource } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { Card } from '../../ui/Card';
import { FactList, type Fact } from '../../ui/FactList';
import { StatusDot } from '../../ui/StatusBadge';
import { dockerView, formatInterval, hasSkew, skewText } from '../agents/agent-model';
import { SourceList } from '../infrastructure/SourceList';
import { agentOf, clockSkewOf, dockerOf } from './agent-details';

/** Who reports this host and how: the agent, its schedule and clock, its container engine, other sources. */
export function AgentCard(props: { r: Resource }) {
  const agent = () => agentOf(props.r)!;
  const skew = () => clockSkewOf(props.r);
  const docker = () => dockerView(dockerOf(props.r));
  const facts = (): Fact[] => [
    {
      label: 'Version',
      value: [agent().version ?? '—', agent().node && `Node ${agent().node}`, agent().arch].filter(Boolean).join(' · '),
      testId: 'agent-version',
    },
    { label: 'Reports every', value: formatInterval(agent().intervalMs), testId: 'agent-interval' },
    {
      label: 'Clock',
      value: (
        <Show when={hasSkew(skew())} fallback={<span class="text-muted">{skew() === undefined ? '—' : 'In step with the server'}</span>}>
          <span class="text-warn">{skewText(skew()!)}</span>
        </Show>
      ),
      testId: 'agent-clock',
    },
    {
      label: 'Containers',
      value: (
        <span class="inline-flex items-center gap-2" title={docker().detail}>
          <StatusDot tone={docker().tone} />
          {docker().label}
        </span>
      ),
      testId: 'agent-docker',
    },
    {
      label: 'Reported by',
      value: <SourceList r={props.r} />,
      testId: 'agent-sources',
    },
  ];
  return (
    <Card
      title="Agent"
      hint={agent().id}
      actions={
        <A href="/system/agents" class="text-xs font-medium text-accent hover:underline">
          All agents
        </A>
      }
      testId="agent-card"
    >
      <FactList facts={facts()} />
      <Show when={dockerOf(props.r)?.state !== 'ok' && docker().detail}>
        <p class="mt-3 border-t pt-3 text-xs leading-relaxed text-muted" data-testid="agent-docker-message">
          {docker().detail}
        </p>
      </Show>
    </Card>
  );
}
