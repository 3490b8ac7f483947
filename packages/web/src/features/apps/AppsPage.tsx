import { A } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import Plus from 'lucide-solid/icons/plus';
import SquareCode from 'lucide-solid/icons/square-code';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, plural } from '../../lib/format';
import { createKeyedList } from '../../lib/keyed';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { EmptyState } from '../../ui/EmptyState';
import { ScoreRing } from '../../ui/ScoreRing';
import { StatusDot } from '../../ui/StatusBadge';
import { useResources } from '../infrastructure/store';
import { appCards, appHref, formatPerMin, healthTone, liveInstanceCounts } from './app-model';
import type { ApmAppSummary } from './app-types';
import { isMissingApm } from './apps-api';
import { SdkSetup } from './SdkSetup';
import { useApps } from './store';

const LIST_REFRESH_MS = 30_000;

function Figure(props: { label: string; value: string; tone?: 'warn' | 'crit'; testId?: string }) {
  return (
    <div class="min-w-0">
      <div class="text-[11px] text-faint">{props.label}</div>
      <div class="num mt-0.5 text-lg font-semibold tracking-[-0.01em]" classList={{ 'text-fg': !props.tone, 'text-warn': props.tone === 'warn', 'text-crit': props.tone === 'crit' }} data-testid={props.testId}>
        {props.value}
        <span class="ml-0.5 text-xs font-normal text-faint">/min</span>
      </div>
    </div>
  );
}

function AppCard(props: { app: ApmAppSummary; now: number }) {
  const a = () => props.app;
  const offline = () => a().instances.online === 0;
  return (
    <A
      href={appHref(a().app)}
      class="group flex min-w-0 flex-col rounded-xl border bg-surface shadow-card transition-colors hover:border-border-strong"
      data-testid="app-card"
      data-app={a().app}
    >
      <div class="flex items-start gap-3 px-4 pt-4">
        <div class="min-w-0 flex-1">
          <div class="truncate text-[15px] font-semibold text-fg group-hover:underline" data-testid="app-card-name">
            {a().app}
          </div>
          <div class="mt-1 flex items-center gap-1.5">
            <Chip>{a().environment}</Chip>
          </div>
        </div>
        <ScoreRing value={offline() ? undefined : a().health} tone={offline() ? 'unknown' : healthTone(a().health)} size={44} label={`${a().app} health score`} testId="app-card-health" />
      </div>
      <div class="grid grid-cols-3 gap-3 px-4 py-4">
        <Figure label="Requests" value={formatPerMin(a().requestsPerMin)} testId="app-card-rpm" />
        <Figure label="Slow" value={formatPerMin(a().slowPerMin)} tone={a().slowPerMin > 0 ? 'warn' : undefined} testId="app-card-slow" />
        <Figure label="Exceptions" value={formatPerMin(a().exceptionsPerMin)} tone={a().exceptionsPerMin > 0 ? 'crit' : undefined} testId="app-card-exceptions" />
      </div>
      <div class="mt-auto flex items-center gap-3 border-t px-4 py-2.5 text-xs">
        <span class="inline-flex items-center gap-1.5 text-muted" data-testid="app-card-instances">
          <StatusDot tone={offline() ? 'unknown' : 'ok'} />
          {a().instances.online} online
        </span>
        <Show when={a().instances.lost > 0}>
          <span class="inline-flex items-center gap-1.5 text-warn" data-testid="app-card-lost">
            <StatusDot tone="warn" />
            {a().instances.lost} lost
          </span>
        </Show>
        <span class="num ml-auto text-faint" title={new Date(a().lastSeen).toLocaleString()}>
          seen {formatAgo(a().lastSeen, props.now)}
        </span>
      </div>
    </A>
  );
}

/** `/apps`: every Node application that reports to Pulse, one card each. */
export default function AppsPage() {
  usePageTitle(() => 'Apps');
  const store = useApps();
  const resources = useResources();
  const now = createNow(5_000);
  const [showSetup, setShowSetup] = createSignal(false);
  const list = createPoll<{ apps?: ApmAppSummary[]; missing?: boolean }>(async (signal) => {
    try {
      return { apps: await store.api.list(signal) };
    } catch (err) {
      if (isMissingApm(err)) return { missing: true };
      throw err;
    }
  }, LIST_REFRESH_MS);
  const live = createMemo(() => {
    resources.revision();
    return liveInstanceCounts(resources.raw());
  });
  // The list loads every 30 s, but instances arrive live as resources: an app that starts reporting
  // loads the list again at once, so its card replaces the empty state without a 30 s wait. Once per
  // app name, so an app the list does not have (yet) cannot make it load in a loop.
  const asked = new Set<string>();
  createEffect(() => {
    const apps = list.value()?.apps;
    if (!apps) return;
    const known = new Set(apps.map((a) => a.app));
    const fresh = [...live().keys()].filter((app) => !known.has(app) && !asked.has(app));
    if (!fresh.length) return;
    for (const app of fresh) asked.add(app);
    void list.refresh();
  });
  const cards = createKeyedList(createMemo(() => appCards(list.value()?.apps ?? [], live())), 'app');
  const loaded = () => list.value() !== undefined;

  return (
    <div class="flex flex-col gap-5" data-testid="apps-page">
      <PageHeader
        title="Apps"
        description="Node applications reporting through @pulse/node: traffic, slow requests, exceptions and the processes that serve them."
        actions={
          <Show when={cards().length > 0}>
            <Button onClick={() => setShowSetup(!showSetup())} testId="apps-add">
              <Plus size={15} />
              Add an app
            </Button>
          </Show>
        }
      />
      <Show when={list.value()?.missing}>
        <Banner tone="info" title="This server has no APM yet" testId="apps-api-missing">
          The Apps page needs a Pulse server with the APM API (issue 9). Update the server to see applications here.
        </Banner>
      </Show>
      <Show when={list.error()}>
        <Banner tone="warn" title="Could not load the app list" testId="apps-api-error">
          {list.error()} Pulse tries again every 30 s.
        </Banner>
      </Show>
      <Show when={showSetup() && cards().length > 0}>
        <Card title="Add an app" actions={<Button variant="ghost" class="h-7! px-2 text-xs!" onClick={() => setShowSetup(false)}>Close</Button>}>
          <SdkSetup api={store.api} />
        </Card>
      </Show>
      <Switch>
        <Match when={!loaded() && !list.error()}>
          <div class="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="apps-loading">
            <For each={[0, 1, 2]}>{() => <div class="skeleton h-[178px] rounded-xl" />}</For>
          </div>
        </Match>
        <Match when={loaded() && !list.value()?.missing && cards().length === 0}>
          <section class="rounded-xl border bg-surface pb-8 shadow-card" data-testid="apps-none">
            <EmptyState icon={<SquareCode size={20} />} title="No app reports to Pulse yet">
              Add the Pulse SDK to a Node application to see its requests, slow routes, exceptions and servers here.
            </EmptyState>
            <div class="px-6">
              <SdkSetup api={store.api} />
            </div>
          </section>
        </Match>
        <Match when={cards().length > 0}>
          <div class="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="apps-grid">
            <For each={cards()}>{(a) => <AppCard app={a} now={now()} />}</For>
          </div>
          <div class="num text-xs text-faint">
            {plural(cards().length, 'app')} · refreshed {formatAgo(list.updatedAt(), now())}
          </div>
        </Match>
      </Switch>
    </div>
  );
}
