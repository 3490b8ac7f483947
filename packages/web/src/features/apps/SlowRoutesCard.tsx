import { Card } from '../../ui/Card';
import { Table, type Column } from '../../ui/Table';
import { formatAgo, formatCount } from '../../lib/format';
import { formatLatency } from './app-model';
import type { ApmSlowRoute } from './app-types';
import { RouteLabel } from './cells';

/** The routes that were slow most often, with how slow; the bar is each route's share of slow requests. */
export function SlowRoutesCard(props: { routes: readonly ApmSlowRoute[]; now: number; periodLabel: string }) {
  const total = () => props.routes.reduce((a, r) => a + r.count, 0);
  const columns = (): Column<ApmSlowRoute>[] => [
    { key: 'route', header: 'Route', class: 'w-[46%] max-w-0', cell: (r) => <RouteLabel method={r.method} route={r.route} share={total() ? (r.count / total()) * 100 : 0} tone="warn" /> },
    { key: 'count', header: 'Slow', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num font-medium text-fg">{formatCount(r.count)}</span> },
    { key: 'avg', header: 'Avg', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num">{formatLatency(r.avgMs)}</span> },
    { key: 'max', header: 'Max', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num text-warn">{formatLatency(r.maxMs)}</span> },
    { key: 'last', header: 'Last', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num text-xs text-muted" title={new Date(r.lastAt).toLocaleString()}>{formatAgo(r.lastAt, props.now)}</span> },
  ];
  return (
    <Card title="Slow requests" hint={`top routes · ${props.periodLabel}`} flush testId="app-slow">
      <Table columns={columns()} rows={props.routes} rowKey={(r) => `${r.method} ${r.route}`} empty="No slow request in this period." testId="app-slow-table" />
    </Card>
  );
}
