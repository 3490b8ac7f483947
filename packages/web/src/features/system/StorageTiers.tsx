import { Card } from '../../ui/Card';
import { Table, type Column } from '../../ui/Table';
import { dateTimeLabel } from '../../ui/time-labels';
import { formatAgo, formatBytes, formatCount } from '../../lib/format';
import { formatKept, formatPerPoint, type TierRow } from './storage-stats';

/** The per-tier table: how much each resolution holds, what it costs per point and how far back it reaches. */
export function StorageTiers(props: { rows: TierRow[]; totals: { points: number; bytes: number; bytesPerPoint?: number }; now: number; detailed: boolean }) {
  const when = (ms: number | undefined) =>
    ms === undefined ? (
      <span class="text-faint">—</span>
    ) : (
      <span title={new Date(ms).toLocaleString()}>
        {dateTimeLabel(ms, props.now)} <span class="text-faint">· {formatAgo(ms, props.now)}</span>
      </span>
    );
  const columns: Column<TierRow>[] = [
    { key: 'tier', header: 'Tier', cell: (r) => <span class="font-medium text-fg">{r.name}</span> },
    { key: 'chunks', header: 'Chunks', align: 'right', class: 'num', cell: (r) => formatCount(r.chunks) },
    { key: 'points', header: 'Points', align: 'right', class: 'num', cell: (r) => formatCount(r.points) },
    { key: 'bytes', header: 'Bytes', align: 'right', class: 'num', cell: (r) => formatBytes(r.bytes) },
    { key: 'per-point', header: 'Per point', align: 'right', class: 'num', cell: (r) => formatPerPoint(r.bytesPerPoint) },
    { key: 'kept', header: 'Kept for', align: 'right', class: 'num whitespace-nowrap', cell: (r) => formatKept(r.keptMs) },
    { key: 'oldest', header: 'Oldest', class: 'num whitespace-nowrap', cell: (r) => when(r.oldest) },
    { key: 'newest', header: 'Newest', class: 'num whitespace-nowrap', cell: (r) => when(r.newest) },
  ];
  return (
    <Card
      title="Tiers"
      hint={props.detailed ? `${formatBytes(props.totals.bytes)} in ${formatCount(props.totals.points)} points, before database overhead` : 'encoded bytes held in memory'}
      flush
      testId="storage-tiers"
    >
      <Table columns={props.detailed ? columns : columns.filter((c) => c.key === 'tier' || c.key === 'bytes' || c.key === 'kept')} rows={props.rows} rowKey={(r) => r.tier} testId="storage-tiers-table" />
    </Card>
  );
}
