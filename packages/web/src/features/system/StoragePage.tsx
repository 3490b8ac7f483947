import { createSignal, Match, onCleanup, Show, Switch } from 'solid-js';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatBytes, formatCount } from '../../lib/format';
import { usePageTitle } from '../../lib/title';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { FactList } from '../../ui/FactList';
import { Spinner } from '../../ui/Spinner';
import { StatTile } from '../../ui/StatTile';
import { dateTimeLabel } from '../../ui/time-labels';
import { useSession } from '../auth/session';
import { formatPerPoint, storageMode, storedTotals, tierRows, type MetricStats } from './storage-stats';
import { StorageTiers } from './StorageTiers';

/** The figures move with every flush (5 s by default); polling at that pace keeps them current. */
const REFRESH_MS = 5_000;

/** How much metric history the server keeps, per tier, and what keeping it writes to disk. */
export default function StoragePage() {
  usePageTitle(() => 'Metric storage');
  const { api } = useSession();
  const [stats, setStats] = createSignal<MetricStats>();
  const [error, setError] = createSignal<string>();
  const [now, setNow] = createSignal(Date.now());
  const [updatedAt, setUpdatedAt] = createSignal(0);

  let controller: AbortController | undefined;
  const refresh = async () => {
    controller?.abort();
    controller = new AbortController();
    try {
      setStats(await api.get<MetricStats>('/api/metrics/stats', { signal: controller.signal }));
      setUpdatedAt(Date.now());
      setError(undefined);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      setError((err as Error).message);
    }
    setNow(Date.now());
  };
  void refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  onCleanup(() => {
    clearInterval(timer);
    controller?.abort();
  });

  return (
    <div class="space-y-5 pb-8" data-testid="storage-page">
      <PageHeader title="Metric storage" description="How much metric history Pulse keeps, and what keeping it costs." />
      <Switch>
        <Match when={stats()}>
          {(s) => {
            const rows = () => tierRows(s());
            const totals = () => storedTotals(rows());
            const storage = () => s().storage;
            const lastHour = () => storage()?.lastHour ?? null;
            return (
              <>
                <Show when={error()}>
                  <div class="flex items-center gap-2 rounded-lg border border-crit/30 bg-crit-soft px-3 py-2 text-[13px]" data-testid="storage-stale">
                    <TriangleAlert size={15} class="shrink-0 text-crit" /> Could not refresh: {error()} The figures below are from {formatAgo(updatedAt(), now())}.
                  </div>
                </Show>
                <div class="grid grid-cols-2 gap-3 lg:grid-cols-4">
                  <StatTile
                    label="Storage"
                    value={storageMode(s())}
                    detail={storage() ? `${formatBytes(storage()!.databaseBytes)} database on disk` : 'history is lost on restart'}
                    tone={storage() ? 'ok' : 'warn'}
                    testId="storage-mode"
                  />
                  <StatTile label="Series" value={formatCount(storage()?.series ?? s().live.series)} detail="one per resource and metric" testId="storage-series" />
                  <StatTile
                    label="Stored"
                    value={formatBytes(totals().bytes)}
                    detail={storage() ? `${formatCount(totals().points)} points · ${formatPerPoint(totals().bytesPerPoint)}/point` : 'in memory'}
                    testId="storage-stored"
                  />
                  <StatTile
                    label="Written in the last hour"
                    value={formatBytes(s().live.bytesWrittenLastHour)}
                    detail={`${formatCount(s().live.flushes)} flushes since the server started`}
                    testId="storage-written"
                  />
                </div>
                <StorageTiers rows={rows()} totals={totals()} now={now()} detailed={storage() !== null} />
                <div class="grid gap-4 lg:grid-cols-3">
                  <Card title="This server" hint="since it started" testId="storage-process">
                    <FactList
                      facts={[
                        { label: 'Samples accepted', value: formatCount(s().live.samplesAccepted), testId: 'storage-accepted' },
                        { label: 'Samples dropped', value: formatCount(s().live.samplesDropped), testId: 'storage-dropped' },
                        { label: 'Written in the last hour', value: formatBytes(s().live.bytesWrittenLastHour) },
                        { label: 'Flushes', value: formatCount(s().live.flushes) },
                      ]}
                    />
                  </Card>
                  <Card title="Last full hour" hint="as the server recorded it" testId="storage-last-hour">
                    <Show when={lastHour()} fallback={<p class="text-[13px] text-muted">{storage() ? 'Not recorded yet: the server records each hour when it ends.' : 'Not recorded in memory-only mode.'}</p>}>
                      {(h) => (
                        <FactList
                          facts={[
                            { label: 'Hour ending', value: dateTimeLabel(h().at, now()) },
                            { label: 'Bytes written', value: formatBytes(h().bytesWritten), testId: 'storage-last-hour-bytes' },
                            { label: 'Samples accepted', value: formatCount(h().samplesAccepted) },
                            { label: 'Samples dropped', value: formatCount(h().samplesDropped) },
                            { label: 'Series', value: formatCount(h().series) },
                          ]}
                        />
                      )}
                    </Show>
                  </Card>
                  <Card title="Head log" hint="flushed, not yet in chunks" testId="storage-head-log">
                    <Show when={storage()} fallback={<p class="text-[13px] text-muted">No head log in memory-only mode.</p>}>
                      {(st) => (
                        <FactList
                          facts={[
                            { label: 'Rows', value: formatCount(st().headLog.rows), testId: 'storage-head-rows' },
                            { label: 'Size', value: formatBytes(st().headLog.bytes) },
                            { label: 'Database on disk', value: formatBytes(st().databaseBytes), testId: 'storage-database-bytes' },
                          ]}
                        />
                      )}
                    </Show>
                  </Card>
                </div>
              </>
            );
          }}
        </Match>
        <Match when={error()}>
          <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load storage figures" testId="storage-error">
            {error()}
          </EmptyState>
        </Match>
        <Match when={true}>
          <div class="flex h-64 items-center justify-center text-faint" data-testid="storage-loading">
            <Spinner />
          </div>
        </Match>
      </Switch>
    </div>
  );
}
