import { Card } from '../../ui/Card';
import { Table, type Column } from '../../ui/Table';
import { formatCount } from '../../lib/format';
import { formatLatency } from './app-model';
import type { ApmRouteUsage } from './app-types';
import { RouteLabel } from './cells';

const errorShare = (r: ApmRouteUsage) => (r.count > 0 ? (r.errors / r.count) * 100 : 0);

/** Every route's traffic: how often it is called, how often it fails (5xx), how long it takes. */
export function RoutesCard(props: { routes: readonly ApmRouteUsage[]; periodLabel: string }) {
  const top = () => Math.max(1, ...props.routes.map((r) => r.count));
  const columns = (): Column<ApmRouteUsage>[] => [
    { key: 'route', header: 'Route', class: 'w-[44%] max-w-0', cell: (r) => <RouteLabel method={r.method} route={r.route} share={(r.count / top()) * 100} /> },
    { key: 'count', header: 'Requests', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num font-medium text-fg">{formatCount(r.count)}</span> },
    {
      key: 'errors',
      header: 'Errors',
      align: 'right',
      cell: (r) => (
        <span class="num whitespace-nowrap" classList={{ 'text-faint': r.errors === 0, 'text-warn': r.errors > 0 && errorShare(r) < 5, 'text-crit': errorShare(r) >= 5 }}>
          {formatCount(r.errors)}
          {r.errors > 0 ? <span class="text-xs"> · {errorShare(r) < 0.1 ? '<0.1' : errorShare(r) >= 10 ? Math.round(errorShare(r)) : errorShare(r).toFixed(1)}%</span> : ''}
        </span>
      ),
    },
    { key: 'avg', header: 'Avg', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num">{formatLatency(r.avgMs)}</span> },
    { key: 'max', header: 'Max', align: 'right', class: 'whitespace-nowrap', cell: (r) => <span class="num text-muted">{formatLatency(r.maxMs)}</span> },
  ];
  return (
    <Card title="Usage per route" hint={`top ${props.routes.length || ''} by requests · ${props.periodLabel}`.replace('top  by', 'by')} flush testId="app-routes">
      <Table columns={columns()} rows={props.routes} rowKey={(r) => `${r.method} ${r.route}`} empty="No request counted in this period." testId="app-routes-table" />
    </Card>
  );
}
