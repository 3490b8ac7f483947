import type { Resource } from '@pulse/protocol';
import { For, Show } from 'solid-js';
import { Banner } from '../../ui/Banner';
import { hasSkew, skewText } from '../agents/agent-model';
import { agentOf, clockSkewOf, dockerOf, reportProblemsOf } from './agent-details';

/** What about an agent host needs a look: its clock, its container engine, figures the server dropped. */
export function AgentBanners(props: { r: Resource }) {
  const skew = () => clockSkewOf(props.r);
  const docker = () => dockerOf(props.r);
  const problems = () => reportProblemsOf(props.r);
  return (
    <Show when={agentOf(props.r)}>
      <div class="space-y-2 empty:hidden">
        <Show when={hasSkew(skew())}>
          <Banner tone="warn" title={`This machine's clock is ${skewText(skew()!)}`} testId="clock-skew-banner">
            Pulse shifts the agent's sample times to the server's clock, so charts stay right, but logs and timestamps on the machine
            itself are off. Turn on time sync there (<code class="font-mono text-[12px] whitespace-nowrap">timedatectl set-ntp true</code>).
          </Banner>
        </Show>
        <Show when={docker()?.state === 'error'}>
          <Banner tone="warn" title="The agent cannot read the container engine" testId="docker-error-banner">
            {docker()!.message ?? 'The engine answered, but not in a way the agent understands.'} Container figures on this page may be
            missing or stale.
          </Banner>
        </Show>
        <Show when={problems().length > 0}>
          <Banner tone="warn" title="The server dropped figures from this agent's last report" testId="report-problems-banner">
            <ul class="list-disc pl-4">
              <For each={problems()}>{(p) => <li>{p}</li>}</For>
            </ul>
          </Banner>
        </Show>
      </div>
    </Show>
  );
}
