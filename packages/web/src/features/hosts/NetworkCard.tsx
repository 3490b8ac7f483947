import type { Resource } from '@pulse/protocol';
import { createKeyedList } from '../../lib/keyed';
import { formatCount, formatLinkSpeed, formatRate } from '../../lib/format';
import { Card } from '../../ui/Card';
import { StatusDot } from '../../ui/StatusBadge';
import { Table, type Column } from '../../ui/Table';
import { interfacesOf, type NetInterface } from './details';

const errors = (i: NetInterface) => (i.rxErrors === undefined && i.txErrors === undefined ? undefined : (i.rxErrors ?? 0) + (i.txErrors ?? 0));

const columns: Column<NetInterface>[] = [
  {
    key: 'name',
    header: 'Interface',
    cell: (i) => (
      <div class="flex items-center gap-2" title={i.up === undefined ? 'State unknown' : i.up ? 'Link up' : 'Link down'}>
        <StatusDot tone={i.up === undefined ? 'unknown' : i.up ? 'ok' : 'crit'} />
        <span class="font-mono text-[12.5px] text-fg">{i.name}</span>
      </div>
    ),
  },
  { key: 'speed', header: 'Link', cell: (i) => <span class="num whitespace-nowrap text-muted">{formatLinkSpeed(i.speedMbps)}</span> },
  { key: 'rx', header: 'Receive', align: 'right', cell: (i) => <span class="num whitespace-nowrap">{formatRate(i.rxBps)}</span> },
  { key: 'tx', header: 'Send', align: 'right', cell: (i) => <span class="num whitespace-nowrap">{formatRate(i.txBps)}</span> },
  {
    key: 'packets',
    header: 'Packets rx / tx',
    align: 'right',
    cell: (i) => (
      <span class="num whitespace-nowrap text-muted">
        {formatCount(i.rxPackets)} / {formatCount(i.txPackets)}
      </span>
    ),
  },
  {
    key: 'errors',
    header: 'Errors',
    align: 'right',
    cell: (i) => (
      <span class="num" classList={{ 'text-crit font-medium': (errors(i) ?? 0) > 0, 'text-faint': !errors(i) }}>
        {formatCount(errors(i))}
      </span>
    ),
  },
];

export function NetworkCard(props: { r: Resource }) {
  const interfaces = createKeyedList(() => interfacesOf(props.r), 'name');
  return (
    <Card title="Network" hint={interfaces().length || undefined} flush testId="network-card">
      <Table columns={columns} rows={interfaces()} rowKey={(i) => i.name} empty="No network interfaces reported." testId="interfaces-table" />
    </Card>
  );
}
