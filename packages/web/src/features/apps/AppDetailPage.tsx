import { A, useParams, useSearchParams } from '@solidjs/router';
import { Match, Show, Switch } from 'solid-js';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import Info from 'lucide-solid/icons/info';
import SearchX from 'lucide-solid/icons/search-x';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatCount } from '../../lib/format';
import { createNow } from '../../lib/now';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Chip } from '../../ui/Chip';
import { EmptyState } from '../../ui/EmptyState';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { StatTile } from '../../ui/StatTile';
import { StatusDot } from '../../ui/StatusBadge';
import { formatPerMin, periodLabel } from './app-model';
import { isPeriod, PERIODS, type ApmAppView, type ApmPeriod } from './app-types';
import { createAppViewSource, REFRESH_MS } from './app-view-source';
import { ExceptionsCard } from './ExceptionsCard';
import { HealthCard } from './HealthCard';
import { RoutesCard } from './RoutesCard';
import { ServersCard } from './ServersCard';
import { SlowRoutesCard } from './SlowRoutesCard';
import { useApps } from './store';
import { TimelineCard } from './TimelineCard';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Where the figures come from and how fresh they are: "Live" or "Updated 12 s ago · every 30 s". */
function Freshness(props: { mode: 'live' | 'polled'; updatedAt?: number; now: number }) {
  return (
    <span class="inline-flex items-center gap-1.5 text-xs text-muted" data-testid="app-freshness" data-mode={props.mode}>
      <Show when={props.mode === 'live'} fallback={<span class="num">updated {formatAgo(props.updatedAt, props.now)} · refreshes every {REFRESH_MS / 1000} s</span>}>
        <StatusDot tone="ok" class="animate-pulse-ring" />
        live
      </Show>
    </span>
  );
}

function Summary(props: { view: ApmAppView }) {
  const v = () => props.view;
  const lost = () => v().instanceCounts.lost;
  const online = () => v().instanceCounts.online;
  const slowShare = () => (v().requestsPerMin > 0 ? Math.round((Math.min(v().slowPerMin, v().requestsPerMin) / v().requestsPerMin) * 100) : 0);
  const totals = () => v().buckets.reduce((a, b) => ({ requests: a.requests + b.requests, slow: a.slow + b.slow, exceptions: a.exceptions + b.exceptions }), { requests: 0, slow: 0, exceptions: 0 });
  return (
    <div class="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="app-summary">
      <StatTile label="Requests" value={`${formatPerMin(v().requestsPerMin)}/min`} detail={`${formatCount(totals().requests)} in ${periodLabel[v().period] ?? v().period}`} testId="app-rpm" />
      <StatTile
        label="Slow requests"
        tone={v().slowPerMin > 0 ? 'warn' : 'ok'}
        value={`${formatPerMin(v().slowPerMin)}/min`}
        detail={v().slowPerMin > 0 ? `${slowShare() < 1 ? '<1' : slowShare()}% of requests · ${formatCount(totals().slow)} in ${periodLabel[v().period] ?? v().period}` : 'none now'}
        testId="app-slow-rate"
      />
      <StatTile
        label="Exceptions"
        tone={v().exceptionsPerMin > 0 ? 'crit' : 'ok'}
        value={`${formatPerMin(v().exceptionsPerMin)}/min`}
        detail={`${formatCount(totals().exceptions)} in ${periodLabel[v().period] ?? v().period} · ${v().exceptions.length} group${v().exceptions.length === 1 ? '' : 's'}`}
        testId="app-exception-rate"
      />
      <StatTile
        label="Instances"
        tone={online() === 0 ? 'crit' : lost() > 0 ? 'warn' : 'ok'}
        value={`${online()} online`}
        detail={lost() ? `${lost()} lost` : 'none lost'}
        testId="app-instances"
      />
    </div>
  );
}

/** What was lost on the way, since Pulse started: said once, not hidden in the figures. */
function droppedText(view: ApmAppView | undefined): string | undefined {
  const d = view?.dropped;
  if (!d) return undefined;
  const parts = [
    d.slow || d.exceptions ? `the SDK dropped ${[d.slow ? `${formatCount(d.slow)} slow requests` : '', d.exceptions ? `${formatCount(d.exceptions)} exceptions` : ''].filter(Boolean).join(' and ')} (buffer full or sampled out)` : '',
    d.rejected ? `Pulse rejected ${formatCount(d.rejected)} items that failed its schema` : '',
  ].filter(Boolean);
  if (!parts.length) return undefined;
  return `Since Pulse started, ${parts.join('; ')}. Requests per route still count every request.`;
}

/** `/apps/:app`: one application over a period — live for the last hour, loaded for longer ones. */
export default function AppDetailPage() {
  const params = useParams<{ app: string }>();
  const [search, setSearch] = useSearchParams<{ period?: string }>();
  const app = () => decode(params.app);
  const period = (): ApmPeriod => (isPeriod(search.period) ? search.period : '1h');
  const store = useApps();
  const now = createNow(5_000);
  const source = createAppViewSource(app, period, store);
  usePageTitle(() => app());
  const label = () => periodLabel[source.view()?.period ?? period()] ?? period();

  return (
    <div class="flex flex-col gap-5" data-testid="app-page">
      <PageHeader
        eyebrow={
          <span class="flex items-center gap-1">
            <A href="/apps" class="hover:text-fg">
              Apps
            </A>
            <ChevronRight size={12} class="text-faint" />
            <span class="text-fg">{app()}</span>
          </span>
        }
        title={app()}
        description={
          <span class="flex flex-wrap items-center gap-x-3 gap-y-1">
            <Show when={source.view()}>
              {(v) => (
                <>
                  <Chip>{v().environment}</Chip>
                  <span class="num">last seen {formatAgo(v().lastSeen, now())}</span>
                </>
              )}
            </Show>
            <Show when={source.view()}>
              <Freshness mode={source.mode()} updatedAt={source.updatedAt()} now={now()} />
            </Show>
          </span>
        }
        actions={
          <SegmentedControl
            label="Period"
            options={PERIODS.map((p) => ({ value: p, label: periodLabel[p] }))}
            value={period()}
            onChange={(p) => setSearch({ period: p === '1h' ? undefined : p }, { replace: true })}
            testId="app-period"
          />
        }
      />
      <Show when={source.liveUnavailable() && source.view()}>
        <Banner tone="info" title="Not live" testId="app-live-unavailable">
          {source.liveUnavailable()} The last hour is loaded every 30 s instead.
        </Banner>
      </Show>
      <Show when={source.error() && source.view()}>
        <Banner tone="warn" title="Could not refresh the figures" testId="app-error">
          {source.error()} These are the last figures that arrived.
        </Banner>
      </Show>
      <Switch>
        <Match when={source.missing()}>
          <EmptyState icon={<SearchX size={20} />} title="This server has no APM yet" testId="app-missing">
            The Apps pages need a Pulse server with the APM API.
          </EmptyState>
        </Match>
        <Match when={source.notFound()}>
          <EmptyState
            icon={<SearchX size={20} />}
            title={`No app named “${app()}”`}
            action={
              <A href="/apps">
                <Button>All apps</Button>
              </A>
            }
            testId="app-not-found"
          >
            Pulse has heard nothing from an app of that name. Its SDK may use another name, or it has not reported yet.
          </EmptyState>
        </Match>
        <Match when={source.error() && !source.view()}>
          <EmptyState tone="error" icon={<SearchX size={20} />} title="Could not load this app" testId="app-load-error">
            {source.error()}
          </EmptyState>
        </Match>
        <Match when={source.view()}>
          {(view) => (
            <div class="flex flex-col gap-5" classList={{ 'opacity-70 transition-opacity': source.stale() }} data-testid="app-body" data-period={view().period}>
              <Summary view={view()} />
              <Show when={droppedText(view())}>
                {(text) => (
                  <p class="-mt-2 flex items-start gap-1.5 text-xs leading-relaxed text-muted" data-testid="app-dropped">
                    <Info size={13} class="mt-0.5 shrink-0 text-faint" />
                    {text()}
                  </p>
                )}
              </Show>
              <div class="grid grid-cols-1 gap-5 xl:grid-cols-[minmax(0,1fr)_340px]">
                <TimelineCard buckets={view().buckets} bucketMs={view().bucketMs} now={now()} periodLabel={label()} stale={source.stale()} live={source.mode() === 'live'} />
                <HealthCard view={view()} />
              </div>
              <ServersCard instances={view().instances} now={now()} />
              <ExceptionsCard groups={view().exceptions} now={now()} periodLabel={label()} />
              <div class="grid grid-cols-1 gap-5 xl:grid-cols-2">
                <SlowRoutesCard routes={view().slowRoutes} now={now()} periodLabel={label()} />
                <RoutesCard routes={view().routes} periodLabel={label()} />
              </div>
            </div>
          )}
        </Match>
        <Match when={true}>
          <div class="flex flex-col gap-5" data-testid="app-loading">
            <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
              <div class="skeleton h-[86px] rounded-xl" />
              <div class="skeleton h-[86px] rounded-xl" />
              <div class="skeleton h-[86px] rounded-xl" />
              <div class="skeleton h-[86px] rounded-xl" />
            </div>
            <div class="skeleton h-[460px] rounded-xl" />
          </div>
        </Match>
      </Switch>
    </div>
  );
}
