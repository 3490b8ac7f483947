import { A, useSearchParams } from '@solidjs/router';
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import ShieldCheck from 'lucide-solid/icons/shield-check';
import { PageHeader } from '../../app/PageHeader';
import { formatCount, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { StatTile } from '../../ui/StatTile';
import { StatusDot } from '../../ui/StatusBadge';
import { TypeIcon } from '../infrastructure/TypeIcon';
import { useResources } from '../infrastructure/store';
import { groupAlerts, resourceHref, severityLabel, severityTone, type GroupBy } from './alert-model';
import { AlertItem } from './AlertItem';
import { AlertsTabs } from './AlertsTabs';
import { useAlerts } from './store';

/** A line under the page title: how much is open, in few words. */
function Summary() {
  const store = useAlerts();
  const c = () => store.counts();
  const parts = () =>
    [c().firing && `${formatCount(c().firing)} firing`, c().pending && `${formatCount(c().pending)} pending`, c().acknowledged && `${formatCount(c().acknowledged)} acknowledged`].filter(Boolean).join(' · ');
  return <span data-testid="alerts-summary">{parts() || 'Nothing open: every rule is satisfied.'}</span>;
}

/** `/alerts`: the open alerts, live, grouped by severity or by resource. */
export default function AlertsPage() {
  usePageTitle(() => 'Alerts');
  const store = useAlerts();
  const resources = useResources();
  const now = createNow(5_000);
  const [params, setParams] = useSearchParams<{ group?: string }>();
  const by = (): GroupBy => (params.group === 'resource' ? 'resource' : 'severity');
  const groups = createMemo(() => groupAlerts(store.state.alerts, by()));
  const c = () => store.counts();

  return (
    <div class="space-y-5 pb-8" data-testid="alerts-page">
      <PageHeader title="Alerts" description={<Summary />} />
      <AlertsTabs />
      <Show when={store.state.unavailable}>
        <Banner tone="info" title="Alerts are not available" testId="alerts-unavailable">
          {store.state.unavailable} A server with the alerts engine (issue 8) sends them here live.
        </Banner>
      </Show>
      <Show when={store.state.error}>
        <Banner tone="crit" title="The live alert feed failed" testId="alerts-error">
          {store.state.error}
        </Banner>
      </Show>
      <Switch>
        <Match when={!store.state.ready}>
          <div class="space-y-3" data-testid="alerts-loading">
            <For each={[0, 1, 2]}>
              {() => (
                <div class="flex h-16 items-center gap-4 rounded-xl border bg-surface px-4 shadow-card">
                  <div class="skeleton h-5 w-20 rounded-full" />
                  <div class="skeleton h-3 w-80" />
                  <div class="skeleton ml-auto h-8 w-28" />
                </div>
              )}
            </For>
          </div>
        </Match>
        <Match when={store.state.alerts.length === 0 && !store.state.unavailable}>
          <div class="rounded-xl border bg-surface shadow-card">
            <EmptyState
              icon={<ShieldCheck size={20} />}
              title="All quiet"
              action={
                <div class="flex gap-2">
                  <A href="/alerts/rules">
                    <Button>Review rules</Button>
                  </A>
                  <A href="/alerts/history">
                    <Button variant="ghost">See history</Button>
                  </A>
                </div>
              }
              testId="alerts-all-quiet"
            >
              No alert is open across {plural(resources.state.resources.length, 'resource')}. When a rule fires, it shows up here at once and goes out to your channels.
            </EmptyState>
          </div>
        </Match>
        <Match when={store.state.alerts.length > 0}>
          <div class="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="alerts-tiles">
            <StatTile label="Firing" tone={c().firing ? 'crit' : 'ok'} value={formatCount(c().firing)} detail={c().firing ? 'notifying now' : 'none firing'} testId="alerts-firing" />
            <StatTile label="Critical" tone={c().bySeverity.critical ? 'crit' : undefined} value={formatCount(c().bySeverity.critical)} detail="open, any state" testId="alerts-critical" />
            <StatTile label="Warning" tone={c().bySeverity.warning ? 'warn' : undefined} value={formatCount(c().bySeverity.warning)} detail="open, any state" testId="alerts-warning" />
            <StatTile label="Acknowledged" value={formatCount(c().acknowledged)} detail={c().pending ? `${formatCount(c().pending)} pending` : 'someone is on it'} testId="alerts-acked" />
          </div>
          <div class="flex flex-wrap items-center gap-2.5">
            <SegmentedControl
              label="Group by"
              options={[
                { value: 'severity', label: 'By severity' },
                { value: 'resource', label: 'By resource' },
              ]}
              value={by()}
              onChange={(v) => setParams({ group: v === 'severity' ? undefined : v }, { replace: true })}
              testId="alerts-group-by"
            />
            <span class="num ml-auto text-xs text-faint">{plural(store.state.alerts.length, 'open alert')}</span>
          </div>
          <div class="space-y-4" data-testid="alert-groups">
            <For each={groups()}>
              {(g) => (
                <Card
                  title={
                    <Show
                      when={g.resourceId}
                      fallback={
                        <span class="inline-flex items-center gap-2">
                          <StatusDot tone={severityTone[g.severity]} />
                          {severityLabel[g.severity]}
                        </span>
                      }
                    >
                      <A href={resourceHref(g.resourceId!)} class="inline-flex items-center gap-2 hover:text-accent">
                        <span class="text-muted">
                          <TypeIcon type={resources.get(g.resourceId!)?.type ?? (g.resourceId!.startsWith('monitor:') ? 'monitor' : 'host')} size={14} />
                        </span>
                        {g.label}
                      </A>
                    </Show>
                  }
                  hint={plural(g.alerts.length, 'alert')}
                  flush
                  testId="alert-group"
                >
                  <ul class="divide-y">
                    <For each={g.alerts}>{(a) => <AlertItem alert={a} now={now()} showResource={by() === 'severity'} showSeverity={by() === 'resource'} />}</For>
                  </ul>
                </Card>
              )}
            </For>
          </div>
        </Match>
      </Switch>
    </div>
  );
}
