import { useParams } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import CircleAlert from 'lucide-solid/icons/circle-alert';
import CircleCheck from 'lucide-solid/icons/circle-check';
import CircleHelp from 'lucide-solid/icons/circle-question-mark';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import Wrench from 'lucide-solid/icons/wrench';
import { formatAgo, formatDuration } from '../../lib/format';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { useTheme } from '../../lib/theme';
import { usePageTitle } from '../../lib/title';
import { BarStrip, type StripBar } from '../../ui/BarStrip';
import { Logo } from '../../ui/Logo';
import { Spinner } from '../../ui/Spinner';
import { StatusDot } from '../../ui/StatusBadge';
import { ThemeToggle } from '../../ui/ThemeToggle';
import { dateTimeLabel } from '../../ui/time-labels';
import { toneSoft, toneText, type Tone } from '../../ui/tone';
import { averageOf, lastDays, overallOf, overallText, readPublicStatus, type DayBar, type Overall, type PublicMaintenance, type PublicMonitor, type PublicStatus } from './status-model';

const DAYS = 90;
const POLL_MS = 30_000;

const overallTone: Record<Overall, Tone> = { operational: 'ok', degraded: 'warn', partial: 'warn', major: 'crit', maintenance: 'accent', unknown: 'unknown' };
const stateTone: Record<PublicMonitor['state'], Tone> = { up: 'ok', down: 'crit', pending: 'warn', paused: 'unknown', maintenance: 'accent', unknown: 'unknown' };
const stateText: Record<PublicMonitor['state'], string> = { up: 'Operational', down: 'Outage', pending: 'Degraded', paused: 'Paused', maintenance: 'Maintenance', unknown: 'Unknown' };

const pct = (v: number | undefined, digits = 2) => (v === undefined ? '—' : v >= 100 ? '100%' : `${(Math.floor(v * 10 ** digits) / 10 ** digits).toFixed(digits)}%`);
const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();
const ms = (v: number | undefined) => (v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

function dayTone(d: DayBar): Tone {
  if (d.uptime === undefined) return 'unknown';
  if (d.uptime >= 99.9) return 'ok';
  if (d.uptime >= 95) return 'warn';
  return 'crit';
}

function dayBars(days: readonly DayBar[], now: number): StripBar[] {
  return lastDays(days, DAYS, now).map((d) => {
    const date = new Date(d.day).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
    const detail = d.uptime === undefined ? 'No data' : `${pct(d.uptime)} uptime${d.downMinutes ? `, down ${formatDuration(d.downMinutes * 60)}` : ''}`;
    return { key: String(d.day), tone: dayTone(d), title: `${date}: ${detail}`, empty: d.uptime === undefined };
  });
}

function OverallIcon(props: { overall: Overall }) {
  return (
    <Switch fallback={<CircleHelp size={22} />}>
      <Match when={props.overall === 'operational'}>
        <CircleCheck size={22} />
      </Match>
      <Match when={props.overall === 'major'}>
        <CircleAlert size={22} />
      </Match>
      <Match when={props.overall === 'partial' || props.overall === 'degraded'}>
        <TriangleAlert size={22} />
      </Match>
      <Match when={props.overall === 'maintenance'}>
        <Wrench size={22} />
      </Match>
    </Switch>
  );
}

function MonitorBlock(props: { m: PublicMonitor; showRt: boolean; now: number }) {
  const bars = createMemo(() => dayBars(props.m.days, props.now));
  const ninety = () => props.m.uptime['90d'] ?? averageOf(lastDays(props.m.days, DAYS, props.now)) ?? props.m.uptime['30d'];
  return (
    <div class="px-5 py-4" data-testid="public-monitor" data-state={props.m.state}>
      <div class="mb-2.5 flex items-center gap-2.5">
        <StatusDot tone={stateTone[props.m.state]} />
        <span class="min-w-0 flex-1 truncate text-[14px] font-medium text-fg">{props.m.name}</span>
        <Show when={props.showRt && props.m.responseMs !== undefined && props.m.state === 'up'}>
          <span class="num hidden text-xs text-muted sm:inline">{ms(props.m.responseMs)}</span>
        </Show>
        <span class={`text-xs font-medium ${toneText[stateTone[props.m.state]]}`}>{stateText[props.m.state]}</span>
      </div>
      <BarStrip bars={bars()} height={30} label={`${props.m.name}: daily uptime over ${DAYS} days`} testId="public-days" />
      <div class="num mt-1.5 flex items-center gap-3 text-[11.5px] text-faint">
        <span>{DAYS} days ago</span>
        <span class="h-px flex-1 bg-border" />
        <span class="text-muted" data-testid="public-uptime">
          {ninety() === undefined ? 'No data yet' : `${pct(ninety())} uptime`}
        </span>
        <span class="h-px flex-1 bg-border" />
        <span>Today</span>
      </div>
    </div>
  );
}

function Page(props: { s: PublicStatus; now: number; updatedAt?: number; stale: boolean }) {
  const overall = createMemo(() => overallOf(props.s.groups, props.s.overall));
  const active = () => props.s.maintenance.filter((w) => w.active);
  // A recurring window comes as several occurrences: the next of each is enough.
  const upcoming = () => {
    const next = new Map<string, PublicMaintenance>();
    for (const w of [...props.s.maintenance].sort((a, b) => a.startsAt - b.startsAt)) if (!w.active && w.startsAt > props.now && !next.has(w.title)) next.set(w.title, w);
    return [...next.values()].slice(0, 5);
  };
  const ongoing = () => props.s.incidents.filter((i) => i.endedAt === null);
  const past = () => props.s.incidents.filter((i) => i.endedAt !== null).slice(0, 20);
  return (
    <>
      <header class="flex items-center gap-4">
        <Show when={props.s.logoUrl} fallback={<Logo size={34} wordmark={false} />}>
          <img src={props.s.logoUrl} alt="" class="h-10 max-w-[160px] object-contain" />
        </Show>
        <div class="min-w-0">
          <h1 class="truncate text-[24px] leading-tight font-semibold tracking-[-0.02em] text-fg" data-testid="public-title">
            {props.s.title}
          </h1>
          <Show when={props.s.description}>
            <p class="mt-0.5 text-[13.5px] text-muted">{props.s.description}</p>
          </Show>
        </div>
      </header>

      <section class={`mt-8 flex items-center gap-3.5 rounded-2xl border px-5 py-5 shadow-card ${toneSoft[overallTone[overall()]]}`} data-testid="public-overall" data-overall={overall()}>
        <span class={toneText[overallTone[overall()]]}>
          <OverallIcon overall={overall()} />
        </span>
        <div class="min-w-0 flex-1">
          <div class="text-[17px] font-semibold tracking-[-0.01em] text-fg">{overallText[overall()]}</div>
          <div class="num mt-0.5 text-xs text-muted">
            {props.updatedAt ? `Updated ${formatAgo(props.updatedAt, props.now)}` : ''}
            {props.stale ? ' · reconnecting…' : ' · refreshes every 30 s'}
          </div>
        </div>
      </section>

      <For each={active()}>
        {(w) => (
          <section class="mt-4 flex items-start gap-3 rounded-xl border border-accent/30 bg-accent-soft px-4 py-3.5 text-[13px]" data-testid="public-maintenance">
            <Wrench size={16} class="mt-0.5 shrink-0 text-accent" />
            <div>
              <div class="font-medium text-fg">Maintenance in progress: {w.title}</div>
              <div class="num mt-0.5 text-muted">
                Until {dateTimeLabel(w.endsAt, props.now)} · failures in this time do not count as downtime
              </div>
            </div>
          </section>
        )}
      </For>
      <Show when={props.s.showIncidents && ongoing().length}>
        <section class="mt-4 space-y-2" data-testid="public-ongoing">
          <For each={ongoing()}>
            {(i) => (
              <div class="flex items-start gap-3 rounded-xl border border-crit/30 bg-crit-soft px-4 py-3.5 text-[13px]">
                <CircleAlert size={16} class="mt-0.5 shrink-0 text-crit" />
                <div>
                  <div class="font-medium text-fg">{i.monitor ? `${i.monitor}: ` : ''}{i.message}</div>
                  <div class="num mt-0.5 text-muted">Since {dateTimeLabel(i.startedAt, props.now)} · {formatDuration(Math.max(0, props.now - i.startedAt) / 1000)}</div>
                </div>
              </div>
            )}
          </For>
        </section>
      </Show>

      <For each={props.s.groups}>
        {(g) => (
          <section class="mt-8" data-testid="public-group">
            <Show when={g.name}>
              <h2 class="mb-3 px-1 text-[13px] font-semibold tracking-wide text-muted uppercase">{g.name}</h2>
            </Show>
            <div class="divide-y overflow-hidden rounded-2xl border bg-surface shadow-card">
              <For each={g.monitors} fallback={<div class="px-5 py-4 text-[13px] text-muted">Nothing here yet.</div>}>
                {(m) => <MonitorBlock m={m} showRt={props.s.showResponseTimes} now={props.now} />}
              </For>
            </div>
          </section>
        )}
      </For>

      <Show when={upcoming().length}>
        <section class="mt-10" data-testid="public-maintenance-upcoming">
          <h2 class="mb-3 px-1 text-[13px] font-semibold tracking-wide text-muted uppercase">Scheduled maintenance</h2>
          <div class="overflow-hidden rounded-2xl border bg-surface shadow-card">
            <For each={upcoming()}>
              {(w) => (
                <div class="flex flex-wrap items-center gap-x-3 gap-y-0.5 border-b px-5 py-3.5 last:border-b-0">
                  <Wrench size={14} class="shrink-0 text-accent" />
                  <span class="text-[13.5px] font-medium text-fg">{w.title}</span>
                  <span class="num ml-auto text-xs text-muted">
                    {dateTimeLabel(w.startsAt, props.now)} – {sameDay(w.startsAt, w.endsAt) ? new Date(w.endsAt).toTimeString().slice(0, 5) : dateTimeLabel(w.endsAt, props.now)}
                  </span>
                </div>
              )}
            </For>
          </div>
        </section>
      </Show>

      <Show when={props.s.showIncidents}>
        <section class="mt-10" data-testid="public-incidents">
          <h2 class="mb-3 px-1 text-[13px] font-semibold tracking-wide text-muted uppercase">Past incidents</h2>
          <div class="overflow-hidden rounded-2xl border bg-surface shadow-card">
            <For each={past()} fallback={<div class="px-5 py-6 text-center text-[13px] text-muted">No incidents reported.</div>}>
              {(i) => (
                <div class="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 border-b px-5 py-3.5 last:border-b-0">
                  <span class="text-[13.5px] font-medium text-fg">{i.monitor ?? 'Outage'}</span>
                  <span class="text-[13px] text-muted">{i.message}</span>
                  <span class="num ml-auto text-xs text-faint">
                    {dateTimeLabel(i.startedAt, props.now)} · lasted {formatDuration(Math.max(0, (i.endedAt ?? props.now) - i.startedAt) / 1000)}
                  </span>
                </div>
              )}
            </For>
          </div>
        </section>
      </Show>

      <footer class="mt-12 border-t pt-6 pb-10 text-center text-xs text-faint">
        <Show when={props.s.footer}>
          <p class="mb-3 text-[13px] whitespace-pre-line text-muted">{props.s.footer}</p>
        </Show>
        <span class="inline-flex items-center gap-1.5">
          Powered by <Logo size={14} />
        </span>
      </footer>
    </>
  );
}

/** `/status/:slug`: a public status page, no sign-in, no dashboard around it; refreshed every 30 s. */
export default function PublicStatusPage() {
  const params = useParams<{ slug: string }>();
  const theme = useTheme();
  const now = createNow(10_000);
  const [notFound, setNotFound] = createSignal(false);
  const status = createPoll(async (signal) => {
    // The answer may be cached for 30 s (for proxies in front of a busy page); this page polls on its
    // own clock, so it revalidates (a cheap 304 by ETag) rather than show a reload the state of 30 s ago.
    const res = await fetch(`/api/public/status/${encodeURIComponent(params.slug)}`, { signal, cache: 'no-cache', headers: { accept: 'application/json' } });
    if (res.status === 404) {
      setNotFound(true);
      return undefined;
    }
    if (!res.ok) throw new Error(`The server answered ${res.status}.`);
    setNotFound(false);
    const parsed = readPublicStatus(await res.json());
    if (!parsed) throw new Error('The status page could not be read.');
    return parsed;
  }, POLL_MS);
  usePageTitle(() => status.value()?.title ?? 'Status');

  return (
    <div class="min-h-screen bg-bg" data-testid="public-status-page">
      <div class="mx-auto max-w-[860px] px-5 pt-10 md:pt-14">
        <div class="fixed top-3 right-3">
          <ThemeToggle theme={theme.theme()} onToggle={theme.toggle} />
        </div>
        <Switch>
          <Match when={status.value()}>{(s) => <Page s={s()} now={now()} updatedAt={s().updatedAt ?? status.updatedAt()} stale={!!status.error()} />}</Match>
          <Match when={notFound()}>
            <div class="flex min-h-[60vh] flex-col items-center justify-center text-center" data-testid="public-not-found">
              <Logo size={30} wordmark={false} />
              <h1 class="mt-5 text-lg font-semibold text-fg">No status page here</h1>
              <p class="mt-1.5 max-w-sm text-[13px] text-muted">There is no status page at this address. Check the link you were given.</p>
            </div>
          </Match>
          <Match when={status.error()}>
            <div class="flex min-h-[60vh] flex-col items-center justify-center text-center" data-testid="public-error">
              <TriangleAlert size={22} class="text-warn" />
              <h1 class="mt-4 text-lg font-semibold text-fg">Status unavailable right now</h1>
              <p class="mt-1.5 max-w-sm text-[13px] text-muted">{status.error()} This page tries again every 30 seconds.</p>
            </div>
          </Match>
          <Match when={true}>
            <div class="flex min-h-[60vh] items-center justify-center text-faint">
              <Spinner />
            </div>
          </Match>
        </Switch>
      </div>
    </div>
  );
}
