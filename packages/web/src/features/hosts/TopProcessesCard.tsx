import type { Resource } from '@pulse/protocol';
import { createSignal } from 'solid-js';
import { formatBytes, formatPercent } from '../../lib/format';
import { createKeyedList } from '../../lib/keyed';
import { Card } from '../../ui/Card';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Table, type Column } from '../../ui/Table';
import { topProcessesOf, type TopProcess } from './top-processes';

type Order = 'cpu' | 'memory';

const columns: Column<TopProcess>[] = [
  { key: 'pid', header: 'PID', class: 'w-20', cell: (p) => <span class="num text-faint">{p.pid}</span> },
  { key: 'name', header: 'Process', cell: (p) => <span class="font-mono text-[12.5px] text-fg" data-testid="top-process-name">{p.name}</span> },
  { key: 'cpu', header: 'CPU', align: 'right', cell: (p) => <span class="num whitespace-nowrap">{formatPercent(p.cpuPercent)}</span> },
  { key: 'rss', header: 'Memory', align: 'right', cell: (p) => <span class="num whitespace-nowrap text-muted">{formatBytes(p.rssBytes)}</span> },
];

/** The busiest or largest processes of the last scan; CPU is % of one core, as top shows it. */
export function TopProcessesCard(props: { r: Resource }) {
  const [order, setOrder] = createSignal<Order>('cpu');
  const list = createKeyedList(() => {
    const top = topProcessesOf(props.r);
    return (order() === 'cpu' ? top?.byCpu : top?.byMemory) ?? [];
  }, 'pid');
  return (
    <Card
      title="Top processes"
      hint="CPU as % of one core"
      actions={
        <SegmentedControl
          label="Order processes by"
          options={[
            { value: 'cpu', label: 'By CPU' },
            { value: 'memory', label: 'By memory' },
          ]}
          value={order()}
          onChange={(v) => setOrder(v as Order)}
          testId="top-processes-order"
        />
      }
      flush
      testId="top-processes-card"
    >
      <Table
        columns={columns}
        rows={list()}
        rowKey={(p) => String(p.pid)}
        empty={order() === 'cpu' ? 'No process used CPU in the last interval.' : 'No processes reported.'}
        testId="top-processes-table"
      />
    </Card>
  );
}
