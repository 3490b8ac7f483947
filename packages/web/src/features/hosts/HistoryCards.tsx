import { Show } from 'solid-js';
import { useLive } from '../../app/live';
import { formatPercent } from '../../lib/format';
import { Card } from '../../ui/Card';
import { Spinner } from '../../ui/Spinner';
import { TimeSeriesChart } from '../../ui/TimeSeriesChart';
import { useSession } from '../auth/session';
import { createHostHistory, HISTORY_WINDOW_MS } from './history';

const pct = (v: number) => formatPercent(v, v >= 10 || v === 0 ? 0 : 1);

/** CPU and memory over the last hour, extended live by each new sample. */
export function HistoryCards(props: { id: string }) {
  const { history, status } = createHostHistory(props.id, useLive(), useSession().api);
  const waiting = () => status() === 'loading' && history().t.length === 0;
  const hint = () => (status() === 'error' ? 'live only, history unavailable' : 'last hour');

  return (
    <div class="grid gap-4 xl:grid-cols-2">
      <Card title="CPU usage" hint={hint()} testId="cpu-chart">
        <Show when={!waiting()} fallback={<ChartPlaceholder />}>
          <TimeSeriesChart
            t={history().t}
            series={[{ label: 'CPU', values: history().values.cpu, color: '--accent' }]}
            range={[0, 100]}
            format={pct}
            windowMs={HISTORY_WINDOW_MS}
          />
        </Show>
      </Card>
      <Card title="Memory usage" hint={hint()} testId="memory-chart">
        <Show when={!waiting()} fallback={<ChartPlaceholder />}>
          <TimeSeriesChart
            t={history().t}
            series={[{ label: 'Used', values: history().values['mem.percent'], color: '--chart-3' }]}
            range={[0, 100]}
            format={pct}
            windowMs={HISTORY_WINDOW_MS}
          />
        </Show>
      </Card>
    </div>
  );
}

function ChartPlaceholder() {
  return (
    <div class="flex h-[208px] items-center justify-center text-faint">
      <Spinner />
    </div>
  );
}
