import type { InstallToken } from '@pulse/protocol';
import { createSignal, type Accessor } from 'solid-js';
import { formatAgo, formatIn } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Table, type Column } from '../../ui/Table';
import { dateTimeLabel } from '../../ui/time-labels';
import { tokenUses } from './agent-model';

/**
 * Install tokens that can still enrol machines. Their secrets are never listed (the server keeps
 * hashes); revoking one stops new installs with it, agents already enrolled keep their own tokens.
 */
export function InstallTokensCard(props: { tokens: readonly InstallToken[]; now: Accessor<number>; onRevoke: (id: string) => Promise<void> }) {
  const [revoking, setRevoking] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  const revoke = async (id: string) => {
    setRevoking(id);
    setError(undefined);
    try {
      await props.onRevoke(id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRevoking(undefined);
    }
  };
  const columns: Column<InstallToken>[] = [
    { key: 'id', header: 'Token', cell: (t) => <span class="font-mono text-[12px] text-fg">pulse_install_{t.id}…</span> },
    {
      key: 'created',
      header: 'Created',
      class: 'whitespace-nowrap',
      cell: (t) => (
        <span class="num text-muted" title={`by ${t.createdBy}`}>
          {formatAgo(t.createdAt, props.now())}
        </span>
      ),
    },
    {
      key: 'expires',
      header: 'Expires',
      class: 'whitespace-nowrap',
      cell: (t) => (
        <span class="num">
          {dateTimeLabel(t.expiresAt, props.now())} <span class="text-faint">· {formatIn(t.expiresAt, props.now())}</span>
        </span>
      ),
    },
    { key: 'uses', header: 'Used', align: 'right', cell: (t) => <span class="num whitespace-nowrap">{tokenUses(t)}</span> },
    { key: 'last', header: 'Last used', class: 'whitespace-nowrap', cell: (t) => <span class="num text-muted">{t.lastUsedAt === null ? 'never' : formatAgo(t.lastUsedAt, props.now())}</span> },
    {
      key: 'revoke',
      header: '',
      align: 'right',
      cell: (t) => (
        <Button variant="ghost" class="h-7! px-2 text-xs!" busy={revoking() === t.id} onClick={() => void revoke(t.id)} testId="install-token-revoke">
          Revoke
        </Button>
      ),
    },
  ];
  return (
    <Card title="Install tokens" hint={props.tokens.length || undefined} flush testId="install-tokens">
      <Table
        columns={columns}
        rows={props.tokens}
        rowKey={(t) => t.id}
        empty="No token can enrol machines right now. Add an agent to create one."
        testId="install-tokens-table"
      />
      {error() && <div class="border-t px-4 py-2.5 text-xs text-crit">Could not revoke: {error()}</div>}
    </Card>
  );
}
