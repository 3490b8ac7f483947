import type { AgentInfo } from '@pulse/protocol';
import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import Plus from 'lucide-solid/icons/plus';
import RadioTower from 'lucide-solid/icons/radio-tower';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatCount, plural } from '../../lib/format';
import { createKeyedList } from '../../lib/keyed';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { Spinner } from '../../ui/Spinner';
import { useSession } from '../auth/session';
import { sourcesOf } from '../infrastructure/sources';
import { useResources } from '../infrastructure/store';
import { AddAgentPanel } from './AddAgentPanel';
import { activeTokens, removalConsequence, sortAgents } from './agent-model';
import { createAgentsApi } from './agents-api';
import { AgentsTable } from './AgentsTable';
import { InstallTokensCard } from './InstallTokensCard';

/** Agents report every 10 s by default; asking at half that keeps "last report" honest. */
const REFRESH_MS = 5_000;

/** The machines that push their figures to Pulse, and the way to add more. */
export default function AgentsPage() {
  usePageTitle(() => 'Agents');
  const session = useSession();
  const store = useResources();
  const api = createAgentsApi(session.api);
  const isAdmin = () => session.info()?.scopes.includes('admin') ?? false;
  const now = createNow(1_000);
  // `?add=1` opens the panel, so "Add an agent" elsewhere (the empty Workloads page) can link here.
  const [params, setParams] = useSearchParams<{ add?: string }>();
  const adding = () => isAdmin() && params.add === '1';
  const setAdding = (open: boolean) => setParams({ add: open ? '1' : undefined }, { replace: true });

  const agentsPoll = createPoll((signal) => api.list(signal), REFRESH_MS);
  // Viewers may not list install tokens (the server answers 403), so only admins ask.
  const tokensPoll = createPoll(async (signal) => (isAdmin() ? api.listInstallTokens(signal) : []), REFRESH_MS);
  const agents = createKeyedList(() => sortAgents(agentsPoll.value() ?? []), 'id');
  const tokens = createKeyedList(() => activeTokens(tokensPoll.value() ?? [], now()), 'id');
  const counts = createMemo(() => {
    const list = agents();
    return { online: list.filter((a) => a.status === 'online').length, offline: list.filter((a) => a.status === 'offline').length };
  });

  const [removing, setRemoving] = createSignal<AgentInfo>();
  const removalText = (a: AgentInfo) => {
    const host = a.resourceId ? store.get(a.resourceId) : undefined;
    return removalConsequence({
      hostName: host?.name ?? a.hostname,
      alsoReportedBy: host ? sourcesOf(host).filter((s) => s.kind !== 'agent').map((s) => s.label) : [],
      containers: store.state.resources.filter((r) => r.type === 'app-container' && r.source === `agent:${a.id}`).length,
    });
  };
  const remove = async () => {
    await api.remove(removing()!.id);
    await agentsPoll.refresh();
  };

  return (
    <div class="space-y-5 pb-8" data-testid="agents-page">
      <PageHeader
        title="Agents"
        description={
          <Show when={agents().length > 0} fallback="Machines that report to Pulse with the Pulse agent.">
            <span data-testid="agents-summary">
              {plural(agents().length, 'agent')} · {formatCount(counts().online)} online
              <Show when={counts().offline > 0}>
                {' · '}
                <span class="text-crit">{formatCount(counts().offline)} offline</span>
              </Show>
            </span>
          </Show>
        }
        actions={
          <Button
            variant="primary"
            onClick={() => setAdding(true)}
            disabled={!isAdmin() || adding()}
            title={isAdmin() ? undefined : 'Only admins can add agents'}
            testId="add-agent-open"
          >
            <Plus size={15} />
            Add agent
          </Button>
        }
      />
      <Show when={adding()}>
        <AddAgentPanel api={api} onClose={() => setAdding(false)} onCreated={() => void tokensPoll.refresh()} />
      </Show>
      <Show when={agentsPoll.error() && agentsPoll.value()}>
        <Banner tone="warn" testId="agents-stale">
          Could not refresh: {agentsPoll.error()} The list is from {formatAgo(agentsPoll.updatedAt(), now())}.
        </Banner>
      </Show>
      <Switch>
        <Match when={agentsPoll.value() && agents().length > 0}>
          <Card title="Enrolled agents" hint={agents().length} flush testId="agents-card">
            <AgentsTable agents={agents()} now={now} onRemove={isAdmin() ? setRemoving : undefined} />
          </Card>
        </Match>
        <Match when={agentsPoll.value()}>
          <div class="rounded-xl border bg-surface shadow-card">
            <EmptyState
              icon={<RadioTower size={20} />}
              title="No agents yet"
              action={
                <Show when={isAdmin() && !adding()} fallback={isAdmin() ? undefined : <span class="text-xs text-faint">Ask an admin to add one.</span>}>
                  <Button variant="primary" onClick={() => setAdding(true)}>
                    Add an agent
                  </Button>
                </Show>
              }
              testId="agents-empty"
            >
              An agent is a small program on a Linux machine that sends its CPU, memory, disks, network and Docker containers to Pulse
              every few seconds, from behind NAT or a firewall: only the agent opens connections.
            </EmptyState>
          </div>
        </Match>
        <Match when={agentsPoll.error()}>
          <div class="rounded-xl border bg-surface shadow-card">
            <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load agents" testId="agents-error">
              {agentsPoll.error()}
            </EmptyState>
          </div>
        </Match>
        <Match when={true}>
          <div class="flex h-48 items-center justify-center text-faint" data-testid="agents-loading">
            <Spinner />
          </div>
        </Match>
      </Switch>
      <Show when={isAdmin()}>
        <InstallTokensCard
          tokens={tokens()}
          now={now}
          onRevoke={async (id) => {
            await api.revokeInstallToken(id);
            await tokensPoll.refresh();
          }}
        />
      </Show>
      <ConfirmDialog
        open={removing() !== undefined}
        title={`Remove the agent on ${removing()?.hostname ?? ''}?`}
        confirmLabel="Remove agent"
        danger
        onConfirm={remove}
        onClose={() => setRemoving(undefined)}
        testId="remove-agent-dialog"
      >
        {removing() && removalText(removing()!)}
      </ConfirmDialog>
    </div>
  );
}
