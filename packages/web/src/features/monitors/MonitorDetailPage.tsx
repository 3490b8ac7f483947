import type { CheckResult, Incident } from '@pulse/protocol';
import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, Match, on, Show, Switch, untrack } from 'solid-js';
import { ResourceAlertsCard } from '../alerts/ResourceAlertsCard';
import ChevronRight from 'lucide-solid/icons/chevron-right';
import Pause from 'lucide-solid/icons/pause';
import Pencil from 'lucide-solid/icons/pencil';
import Play from 'lucide-solid/icons/play';
import SearchX from 'lucide-solid/icons/search-x';
import Trash2 from 'lucide-solid/icons/trash';
import Zap from 'lucide-solid/icons/zap';
import { formatAgo, formatBytes, formatDuration } from '../../lib/format';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { FactList, type Fact } from '../../ui/FactList';
import { Spinner } from '../../ui/Spinner';
import { StatTile } from '../../ui/StatTile';
import { Table, type Column } from '../../ui/Table';
import { dateTimeLabel } from '../../ui/time-labels';
import { useResources } from '../infrastructure/store';
import { MonitorStateBadge, MonitorTypeIcon } from './cells';
import { PushInstructions } from './PushInstructions';
import {
  formatInterval, formatMs, formatUptime, monitorLive, reasonText, resourceIdOf, resultMs, stateLabel, targetOf, typeLabel, uptimeTone, type MonitorView,
} from './monitor-model';
import { isMissingEndpoint, type Uptime } from './monitors-api';
import { MonitorHistory } from './MonitorHistory';
import { useMonitorsApi } from './use-monitors-api';
import { failedPhaseOf, waterfallFromMetrics, waterfallOf } from './waterfall';
import { WaterfallView } from './WaterfallView';

const resultColumns = (now: () => number): Column<CheckResult>[] => [
  {
    key: 'at',
    header: 'Checked',
    cell: (r) => (
      <span class="num whitespace-nowrap" title={new Date(r.startedAt).toLocaleString()}>
        {dateTimeLabel(r.startedAt, now())} <span class="text-faint">· {formatAgo(r.startedAt, now())}</span>
      </span>
    ),
  },
  { key: 'status', header: 'Result', cell: (r) => <MonitorStateBadge state={r.status} /> },
  { key: 'rt', header: 'Response', align: 'right', cell: (r) => <span class="num">{formatMs(resultMs(r))}</span> },
  { key: 'http', header: 'HTTP', align: 'right', cell: (r) => <span class="num text-muted">{r.httpStatus ?? '—'}</span> },
  {
    key: 'reason',
    header: 'Details',
    class: 'w-[45%]',
    cell: (r) => (
      <span class="flex min-w-0 flex-wrap items-center gap-1.5 text-xs">
        <Show when={r.reason}>
          <span class="line-clamp-2 text-crit" title={reasonText(r.reason)}>
            {reasonText(r.reason)}
          </span>
        </Show>
        <Show when={r.warning}>
          <span class="text-warn">{r.warning?.message}</span>
        </Show>
        <Show when={r.reused}>
          <Chip>reused connection</Chip>
        </Show>
        <Show when={r.attempt > 0}>
          <Chip tone="warn">retry {r.attempt}</Chip>
        </Show>
        <Show when={!r.reason && !r.warning && !r.reused && r.attempt === 0}>
          <span class="text-faint">{r.ip ?? ''}</span>
        </Show>
      </span>
    ),
  },
];

const incidentColumns = (now: () => number): Column<Incident>[] => [
  { key: 'start', header: 'Started', cell: (i) => <span class="num whitespace-nowrap">{dateTimeLabel(i.startedAt, now())}</span> },
  {
    key: 'end',
    header: 'Ended',
    cell: (i) => (i.endedAt === null ? <Chip tone="crit">ongoing</Chip> : <span class="num whitespace-nowrap">{dateTimeLabel(i.endedAt, now())}</span>),
  },
  // `now` ticks every 5 s, so an incident that opened since the last tick would be a negative "—".
  { key: 'duration', header: 'Duration', align: 'right', cell: (i) => <span class="num">{formatDuration(Math.max(0, (i.endedAt ?? now()) - i.startedAt) / 1000)}</span> },
  { key: 'reason', header: 'Reason', class: 'w-[50%]', cell: (i) => <span class="text-xs text-fg">{reasonText(i.reason)}</span> },
];

/** What else the check found, under its waterfall: the answer, where it went, which try it was. */
function ResultFacts(props: { r: CheckResult; timeoutMs?: number }) {
  const facts = () => {
    const r = props.r;
    const f = r.facts ?? {};
    const out: { label: string; value: string; tone?: 'crit' | 'warn' }[] = [];
    if (r.httpStatus !== undefined) out.push({ label: 'Status', value: `HTTP ${r.httpStatus}${typeof f['httpVersion'] === 'string' ? ` · HTTP/${f['httpVersion']}` : ''}` });
    if (r.ip) out.push({ label: 'Address', value: r.ip });
    if (typeof f['bodyBytes'] === 'number') out.push({ label: 'Body', value: formatBytes(f['bodyBytes']) });
    if (r.tls?.protocol) out.push({ label: 'TLS', value: r.tls.protocol });
    if (r.attempt > 0) out.push({ label: 'Attempt', value: `retry ${r.attempt}`, tone: 'warn' });
    if (r.reason) out.push({ label: 'Failed', value: reasonText(r.reason, props.timeoutMs) ?? r.reason.code, tone: 'crit' });
    for (const [k, v] of Object.entries(f)) {
      if (k === 'httpVersion' || k === 'bodyBytes' || v === null || v === undefined) continue;
      const text = Array.isArray(v) ? v.map(String).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      out.push({ label: k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()), value: text.length > 80 ? `${text.slice(0, 80)}…` : text });
    }
    return out;
  };
  return (
    <Show when={facts().length}>
      <dl class="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 rounded-lg bg-surface-2 px-3 py-2.5 text-xs sm:grid-cols-3" data-testid="waterfall-facts">
        <For each={facts()}>
          {(f) => (
            <div class="min-w-0">
              <dt class="text-faint">{f.label}</dt>
              <dd class="num truncate font-medium" classList={{ 'text-fg': !f.tone, 'text-crit': f.tone === 'crit', 'text-warn': f.tone === 'warn' }} title={f.value}>
                {f.value}
              </dd>
            </div>
          )}
        </For>
      </dl>
    </Show>
  );
}

const RANGE_TILES: { key: keyof Uptime; label: string }[] = [
  { key: '24h', label: 'Uptime 24 h' },
  { key: '7d', label: 'Uptime 7 days' },
  { key: '30d', label: 'Uptime 30 days' },
  { key: '1y', label: 'Uptime 1 year' },
];

/** `/uptime/:id`: one monitor, why it is in its state, how fast it answers, and what happened lately. */
export default function MonitorDetailPage() {
  const params = useParams<{ id: string }>();
  const id = () => decodeURIComponent(params.id);
  const store = useResources();
  const api = useMonitorsApi();
  const navigate = useNavigate();
  const now = createNow(5_000);
  const resource = createMemo(() => store.get(resourceIdOf(id())));
  const live = createMemo(() => (resource() ? monitorLive(resource()!) : undefined));

  const [apiMissing, setApiMissing] = createSignal(false);
  const guard = async <T,>(load: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await load();
    } catch (err) {
      if (isMissingEndpoint(err)) {
        setApiMissing(true);
        return undefined;
      }
      throw err;
    }
  };
  const view = createPoll((s) => guard(() => api.get(id(), s)), 30_000);
  const uptime = createPoll((s) => guard(() => api.uptime(id(), s)), 60_000);
  const results = createPoll((s) => guard(() => api.results(id(), 50, s)), 30_000);
  const incidents = createPoll((s) => guard(() => api.incidents(id(), s)), 60_000);

  const monitor = () => view.value() as MonitorView | undefined;
  const name = () => live()?.name ?? monitor()?.name ?? id();
  usePageTitle(() => name());
  const state = () => (monitor()?.enabled === false ? 'paused' : (live()?.state ?? monitor()?.state ?? 'unknown'));
  // A new check (the resource's lastCheckAt moving on) brings its result into the table; while the
  // monitor is in trouble or an incident is open, it also brings the incident it opened or closed
  // (written just after the state moves), rather than at the next minute's poll.
  createEffect(
    on(() => live()?.lastCheckAt, (at, prev) => {
      if (prev === undefined || at === prev) return;
      void results.refresh();
      if (untrack(state) !== 'up' || untrack(() => incidents.value()?.some((i) => i.endedAt === null))) void incidents.refresh();
    }, { defer: true }),
  );
  createEffect(on(state, (s, prev) => prev !== undefined && s !== prev && void uptime.refresh(), { defer: true }));
  const type = () => monitor()?.type ?? live()?.type;
  const target = () => (monitor() ? targetOf(monitor()!) : live()?.target) ?? '—';
  const reason = () => live()?.reason ?? monitor()?.reason ?? undefined;
  const timeoutMs = () => monitor()?.timeoutMs;

  const [fresh, setFresh] = createSignal<CheckResult>();
  const [checking, setChecking] = createSignal(false);
  const [actionError, setActionError] = createSignal<string>();
  const [toggling, setToggling] = createSignal(false);
  const [confirmDelete, setConfirmDelete] = createSignal(false);

  const checkNow = async () => {
    setChecking(true);
    setActionError(undefined);
    try {
      setFresh(await api.check(id()));
      void results.refresh();
    } catch (err) {
      setActionError((err as Error).message);
    } finally {
      setChecking(false);
    }
  };
  const togglePause = async () => {
    setToggling(true);
    setActionError(undefined);
    try {
      await (state() === 'paused' ? api.resume(id()) : api.pause(id()));
      await view.refresh();
    } catch (err) {
      setActionError((err as Error).message);
    } finally {
      setToggling(false);
    }
  };

  /** The check the waterfall shows: one just asked for, else the newest result, else the live figures. */
  const lastCheck = createMemo(() => {
    const r = fresh() ?? results.value()?.[0];
    if (r) return { waterfall: waterfallOf(r.timings, r.reused === true, r.status === 'down' ? failedPhaseOf(r.reason) : undefined), at: r.startedAt, status: r.status as string, fresh: r === fresh(), result: r };
    const res = resource();
    if (!res) return undefined;
    const w = waterfallFromMetrics(res.metrics, live()?.reused, live()?.state === 'down' ? failedPhaseOf(live()?.reason) : undefined);
    return w ? { waterfall: w, at: live()?.lastCheckAt, status: live()?.state as string, fresh: false, result: undefined } : undefined;
  });

  /** The status code of the check the waterfall shows; a refused or timed-out check has none (live figures can keep an older one). */
  const lastHttpStatus = () => (lastCheck()?.result ? lastCheck()!.result!.httpStatus : live()?.httpStatus);

  const facts = (): Fact[] => {
    const m = monitor();
    const l = live();
    const tls = l?.tls ?? {};
    const list: Fact[] = [
      { label: 'Type', value: type() ? typeLabel[type()!] : '—' },
      { label: 'Target', value: <span class="font-mono text-xs break-all">{target()}</span>, testId: 'monitor-fact-target' },
      { label: 'Interval', value: formatInterval(m?.intervalS ?? l?.intervalS), testId: 'monitor-fact-interval' },
      { label: 'Timeout', value: m?.timeoutMs !== undefined ? formatMs(m.timeoutMs) : '—' },
      { label: 'Retries', value: m ? `${m.retries ?? 1}${m.retries ? `, ${m.retryIntervalS ?? 20} s apart` : ''}` : '—' },
    ];
    if (l?.ip) list.push({ label: 'IP address', value: <span class="font-mono text-xs">{l.ip}</span>, testId: 'monitor-fact-ip' });
    if (tls.protocol) list.push({ label: 'TLS', value: [tls.protocol, tls.cipher].filter(Boolean).join(' · '), testId: 'monitor-fact-tls' });
    if (tls.issuer) list.push({ label: 'Certificate issuer', value: tls.issuer, testId: 'monitor-fact-issuer' });
    if (tls.daysLeft !== undefined)
      list.push({
        label: 'Certificate expires',
        value: (
          <span classList={{ 'text-crit': tls.daysLeft < 0, 'text-warn': tls.daysLeft >= 0 && tls.daysLeft <= ((m?.type === 'http' ? m.certExpiryDays : undefined) ?? 14) }}>
            {tls.daysLeft < 0 ? `expired ${Math.abs(Math.round(tls.daysLeft))} days ago` : `in ${Math.floor(tls.daysLeft)} days`}
            <Show when={tls.validTo}>
              <span class="text-faint"> · {new Date(tls.validTo!).toLocaleDateString()}</span>
            </Show>
          </span>
        ),
        testId: 'monitor-fact-cert',
      });
    if (m?.group ?? l?.group) list.push({ label: 'Group', value: (m?.group ?? l?.group)! });
    if (l?.worker) list.push({ label: 'Checked by', value: l.worker });
    if (m?.tags?.length) list.push({ label: 'Tags', value: <span class="flex flex-wrap justify-end gap-1">{m.tags.map((t) => <Chip>{t}</Chip>)}</span> });
    return list;
  };

  /**
   * What the history asks for: the metrics the monitor has reported so far, a set that only grows. A
   * monitor made a moment ago has none (asking then fails: no metric "rt"), and one that opens while
   * down may lack its HTTP phases; the history remounts when they first arrive, never on a flap.
   */
  const reported = createMemo<string[]>((prev) => {
    const metrics = Object.keys(resource()?.metrics ?? {});
    return metrics.every((m) => prev.includes(m)) ? prev : [...new Set([...prev, ...metrics])].sort();
  }, []);
  const historyKey = createMemo(() => (resource() && reported().includes('rt') ? `${resource()!.id}\n${reported().join(',')}` : undefined));

  const known = () => resource() !== undefined || monitor() !== undefined;
  /** Live figures without a definition the API knows (a resource from elsewhere, or no API): no settings, no actions. */
  const undefinedHere = () => apiMissing() || (!monitor() && !!view.error());
  const loading = () => !known() && (!store.state.ready || view.value() === undefined && !view.error() && !apiMissing());

  return (
    <Switch>
      <Match when={known()}>
        <div class="space-y-5 pb-8" data-testid="monitor-detail" data-state={state()}>
          <header>
            <nav class="mb-3 flex min-w-0 items-center gap-1.5 text-xs text-muted" aria-label="Breadcrumb">
              <A href="/uptime" class="shrink-0 hover:text-fg" data-testid="back-to-monitors">
                Monitors
              </A>
              <ChevronRight size={12} class="shrink-0 text-faint" />
              <span class="truncate text-fg">{name()}</span>
            </nav>
            <div class="flex flex-wrap items-center gap-3">
              <div class="flex size-10 shrink-0 items-center justify-center rounded-xl border bg-surface text-muted shadow-card">
                <MonitorTypeIcon type={type()} size={19} />
              </div>
              <div class="min-w-0">
                <div class="flex min-w-0 items-center gap-2">
                  <h1 class="mr-1 truncate text-[22px] leading-tight font-semibold tracking-[-0.02em] text-fg" data-testid="monitor-title">
                    {name()}
                  </h1>
                  <MonitorStateBadge state={state()} testId="monitor-state" />
                  <Show when={type()}>
                    <Chip>{typeLabel[type()!]}</Chip>
                  </Show>
                </div>
                <div class="mt-0.5 truncate text-xs text-muted">
                  <span class="font-mono">{target()}</span>
                  <Show when={live()?.lastCheckAt}>
                    <span> · checked {formatAgo(live()?.lastCheckAt, now())}</span>
                  </Show>
                  <span> · {formatInterval(monitor()?.intervalS ?? live()?.intervalS)}</span>
                </div>
              </div>
              <div class="ml-auto flex flex-wrap items-center gap-2">
                <Button onClick={() => void checkNow()} busy={checking()} disabled={undefinedHere() || type() === 'push'} testId="monitor-check-now">
                  <Zap size={14} />
                  Check now
                </Button>
                <Button onClick={() => void togglePause()} busy={toggling()} disabled={undefinedHere()} testId="monitor-pause">
                  <Show when={state() === 'paused'} fallback={<Pause size={14} />}>
                    <Play size={14} />
                  </Show>
                  {state() === 'paused' ? 'Resume' : 'Pause'}
                </Button>
                <A href={`/uptime/${encodeURIComponent(id())}/edit`} classList={{ 'pointer-events-none': undefinedHere() }}>
                  <Button disabled={undefinedHere()} testId="monitor-edit">
                    <Pencil size={14} />
                    Edit
                  </Button>
                </A>
                <Button variant="ghost" onClick={() => setConfirmDelete(true)} disabled={undefinedHere()} testId="monitor-delete">
                  <Trash2 size={14} />
                  Delete
                </Button>
              </div>
            </div>
          </header>

          <Show when={apiMissing()}>
            <Banner tone="info" title="The monitors API is not on this server yet" testId="monitor-api-missing">
              This page shows the monitor's live figures; settings, uptime, results, incidents and the buttons need a server with the monitors API.
            </Banner>
          </Show>
          <Show when={!apiMissing() && undefinedHere()}>
            <Banner tone="info" title="Live figures only" testId="monitor-no-definition">
              The server reports this monitor but could not give its definition ({view.error()}), so its settings, uptime, checks and actions are not available here.
            </Banner>
          </Show>
          <Show when={actionError()}>
            <Banner tone="crit" title="That did not work" testId="monitor-action-error">
              {actionError()}
            </Banner>
          </Show>
          <Switch>
            <Match when={state() === 'down' || state() === 'pending'}>
              <Banner tone={state() === 'down' ? 'crit' : 'warn'} title={reasonText(reason(), timeoutMs()) ?? (state() === 'down' ? 'The last check failed' : 'A check failed; retrying')} testId="monitor-reason">
                <span class="num">
                  {state() === 'down' ? 'Down' : 'Retrying before calling it down'}
                  {reason()?.code ? ` · ${reason()!.code}` : ''}
                  {reason()?.phase ? ` · during ${reason()!.phase}` : ''}
                  {live()?.lastCheckAt ? ` · ${formatAgo(live()!.lastCheckAt, now())}` : ''}
                </span>
              </Banner>
            </Match>
            <Match when={state() === 'paused'}>
              <Banner tone="info" title="Paused" testId="monitor-reason">
                No checks run until it is resumed; its uptime leaves the paused time out.
              </Banner>
            </Match>
            <Match when={state() === 'maintenance'}>
              <Banner tone="info" title="In maintenance" testId="monitor-reason">
                A maintenance window covers this monitor: checks still run, but failures do not count as downtime or raise alerts.
              </Banner>
            </Match>
          </Switch>
          <Show when={live()?.warning}>
            {(w) => (
              <Banner tone="warn" title={reasonText(w())} testId="monitor-warning">
                A warning, not an outage: the monitor stays up. <span class="font-mono text-xs">{w().code}</span>
              </Banner>
            )}
          </Show>
          <ResourceAlertsCard resourceId={resourceIdOf(id())} />

          <div class="grid grid-cols-2 gap-3 lg:grid-cols-5" data-testid="monitor-uptime-tiles">
            {RANGE_TILES.map((t) => (
              <StatTile
                label={t.label}
                value={formatUptime(uptime.value()?.[t.key])}
                tone={typeof uptime.value()?.[t.key] === 'number' ? (uptimeTone(uptime.value()![t.key]) as 'ok' | 'warn' | 'crit') : undefined}
                detail={uptime.value() ? (uptime.value()![t.key] === null ? 'no checks in range' : t.key === '24h' ? 'maintenance excluded' : undefined) : undefinedHere() || uptime.error() ? 'not available' : 'loading…'}
                testId={`monitor-uptime-${t.key}`}
              />
            ))}
            <StatTile label="Response time" value={formatMs(live()?.rt)} detail={lastHttpStatus() ? `HTTP ${lastHttpStatus()}` : state() === 'down' ? 'no answer' : 'last check'} testId="monitor-rt-tile" />
          </div>

          <Show when={type() === 'push' && monitor()?.pushUrl}>
            <Card title="Push URL" hint="send a request here from the job you watch" testId="monitor-push">
              <PushInstructions url={monitor()!.pushUrl!} />
            </Card>
          </Show>

          <div class="grid gap-4 xl:grid-cols-5">
            <Card
              title={lastCheck()?.fresh ? 'Check just now' : 'Last check'}
              hint={lastCheck()?.at ? `${dateTimeLabel(lastCheck()!.at!, now())} · ${lastCheck()!.status ? stateLabel[lastCheck()!.status as 'up'] ?? lastCheck()!.status : ''}` : undefined}
              class="xl:col-span-3"
              testId="monitor-waterfall"
            >
              <Show
                when={lastCheck()}
                fallback={
                  <div class="py-8 text-center text-[13px] text-muted">
                    {type() && type() !== 'http' ? `${typeLabel[type()!]} checks report a total time only: ${formatMs(live()?.rt)}.` : 'No check has finished yet.'}
                  </div>
                }
              >
                {(c) => (
                  <>
                    <WaterfallView waterfall={c().waterfall} testId="waterfall" />
                    <Show when={c().result}>{(r) => <ResultFacts r={r()} timeoutMs={timeoutMs()} />}</Show>
                  </>
                )}
              </Show>
            </Card>
            <Card title="Details" class="self-start xl:col-span-2" testId="monitor-facts">
              <FactList facts={facts()} />
            </Card>
          </div>

          <Show when={historyKey()} keyed>
            {(key) => <MonitorHistory resourceId={key.split('\n')[0]!} reported={new Set(key.split('\n')[1]!.split(','))} />}
          </Show>

          <div class="grid gap-4 xl:grid-cols-2">
            <Card title="Incidents" hint={incidents.value() ? `${incidents.value()!.length}` : undefined} flush testId="monitor-incidents">
              <Table
                columns={incidentColumns(now)}
                rows={incidents.value() ?? []}
                rowKey={(i) => i.id}
                empty={undefinedHere() || incidents.error() ? 'Not available.' : incidents.value() ? 'No incidents recorded.' : 'Loading…'}
                testId="monitor-incidents-table"
              />
            </Card>
            <Card title="Recent checks" hint={results.value() ? `newest ${results.value()!.length}` : undefined} flush testId="monitor-results">
              <div class="max-h-[420px] overflow-auto">
                <Table
                  columns={resultColumns(now)}
                  rows={results.value() ?? []}
                  rowKey={(r) => `${r.scheduledAt}:${r.attempt}:${r.startedAt}`}
                  empty={undefinedHere() || results.error() ? 'Not available.' : results.value() ? 'No checks yet.' : 'Loading…'}
                  testId="monitor-results-table"
                />
              </div>
            </Card>
          </div>

          <ConfirmDialog
            open={confirmDelete()}
            title={`Delete ${name()}?`}
            confirmLabel="Delete monitor"
            danger
            onConfirm={async () => {
              await api.remove(id());
              navigate('/uptime', { replace: true });
            }}
            onClose={() => setConfirmDelete(false)}
            testId="monitor-delete-dialog"
          >
            Its checks stop and its incidents and history go with it. Status pages that show it drop it.
          </ConfirmDialog>
        </div>
      </Match>
      <Match when={loading()}>
        <div class="flex h-64 items-center justify-center text-faint" data-testid="monitor-loading">
          <Spinner />
        </div>
      </Match>
      <Match when={true}>
        <EmptyState
          icon={<SearchX size={20} />}
          title="Monitor not found"
          action={
            <A href="/uptime">
              <Button>Back to Monitors</Button>
            </A>
          }
          testId="monitor-not-found"
        >
          Pulse has no monitor “{id()}”. It may have been deleted, or the link is wrong.
        </EmptyState>
      </Match>
    </Switch>
  );
}
