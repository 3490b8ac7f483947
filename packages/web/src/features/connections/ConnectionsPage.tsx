import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import Pencil from 'lucide-solid/icons/pencil';
import Plug from 'lucide-solid/icons/plug';
import Plus from 'lucide-solid/icons/plus';
import Trash2 from 'lucide-solid/icons/trash';
import TriangleAlert from 'lucide-solid/icons/triangle-alert';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatCount, plural } from '../../lib/format';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { Spinner } from '../../ui/Spinner';
import { StatusBadge } from '../../ui/StatusBadge';
import { useSession } from '../auth/session';
import { ConnectionForm } from './ConnectionForm';
import { errorHints, PRODUCTS } from './connection-model';
import { createConnectionsApi, type Connection } from './connections-api';
import { SetupScriptPanel } from './SetupScriptPanel';

/** The state line of a connection keeps up with polls; asking at this pace is enough. */
const REFRESH_MS = 5_000;

const tlsText = (c: Connection) => (c.tls.insecure ? 'not verified' : c.tls.fingerprint ? 'pinned fingerprint' : c.tls.ca ? 'custom CA' : 'system CAs');

function ConnectionRow(props: { c: Connection; now: number; canEdit: boolean; onEdit: () => void; onDelete: () => void }) {
  const state = () => props.c.state;
  const tone = () => (props.c.enabled === false ? 'unknown' : state()?.status === 'ok' ? 'ok' : state()?.status === 'error' ? 'crit' : 'unknown');
  const label = () => (props.c.enabled === false ? 'Disabled' : state()?.status === 'ok' ? 'Connected' : state()?.status === 'error' ? 'Error' : 'Connecting');
  const nodes = () => {
    const n = state()?.nodes;
    return Array.isArray(n) ? n.length : n;
  };
  return (
    <li class="flex flex-wrap items-start gap-x-4 gap-y-2 px-4 py-3.5" data-testid="connection-row" data-name={props.c.name}>
      <div class="min-w-0 flex-1">
        <div class="flex min-w-0 flex-wrap items-center gap-2">
          <span class="truncate text-[14px] font-semibold text-fg" data-testid="connection-row-name">
            {props.c.name}
          </span>
          <Chip tone="accent" title={PRODUCTS.find((p) => p.value === props.c.product)?.long}>
            {props.c.product.toUpperCase()}
          </Chip>
          <StatusBadge tone={tone()} label={label()} testId="connection-state" />
          <Show when={props.c.tls.insecure}>
            <Chip tone="warn" title="The certificate is not checked">
              TLS not verified
            </Chip>
          </Show>
        </div>
        <div class="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted">
          <span class="font-mono" title={props.c.endpoints.join('\n')}>
            {props.c.endpoints[0]}
            <Show when={props.c.endpoints.length > 1}>
              <span class="text-faint"> +{props.c.endpoints.length - 1}</span>
            </Show>
          </span>
          <span class="font-mono">{props.c.auth.kind === 'token' ? props.c.auth.tokenId : props.c.auth.username}</span>
          <span>{tlsText(props.c)}</span>
          <Show when={nodes() !== undefined}>
            <span>{plural(nodes()!, 'node')}</span>
          </Show>
          <Show when={state()?.lastPollAt}>
            <span class="num">read {formatAgo(state()?.lastPollAt, props.now)}</span>
          </Show>
        </div>
        <Show when={state()?.status === 'error' && state()?.error}>
          {(e) => (
            <div class="mt-2.5">
              <Banner tone="crit" title={e().message} testId="connection-error">
                {errorHints[e().code] ?? 'Edit the connection and test it to see what is wrong.'}
                <span class="ml-1 font-mono text-[11px] text-faint">{e().code}</span>
              </Banner>
            </div>
          )}
        </Show>
      </div>
      <Show when={props.canEdit}>
        <div class="flex shrink-0 items-center gap-1">
          <IconButton label={`Edit ${props.c.name}`} onClick={props.onEdit} testId="connection-edit">
            <Pencil size={15} />
          </IconButton>
          <IconButton label={`Delete ${props.c.name}`} onClick={props.onDelete} testId="connection-delete">
            <Trash2 size={15} />
          </IconButton>
        </div>
      </Show>
    </li>
  );
}

/** Proxmox VE, Backup Server and Mail Gateway servers Pulse reads, and the way to add more. */
export default function ConnectionsPage() {
  usePageTitle(() => 'Connections');
  const session = useSession();
  const api = createConnectionsApi(session.api, () => session.info()?.csrfToken);
  const canEdit = () => {
    const scopes = session.info()?.scopes ?? [];
    return scopes.includes('settings:write') || scopes.includes('admin');
  };
  const now = createNow(1_000);
  // `?add=1` opens an empty form (the Proxmox pages' empty states link here); `?edit=<id>` one connection.
  const [params, setParams] = useSearchParams<{ add?: string; edit?: string }>();
  const poll = createPoll((signal) => api.list(signal), REFRESH_MS);
  const productOrder = { pve: 0, pbs: 1, pmg: 2 } as const;
  const connections = createMemo(() => [...(poll.value() ?? [])].sort((a, b) => (productOrder[a.product] ?? 3) - (productOrder[b.product] ?? 3) || a.name.localeCompare(b.name)));
  const editing = createMemo(() => (params.edit ? connections().find((c) => c.id === params.edit) : undefined));
  const formOpen = () => canEdit() && (params.add === '1' || editing() !== undefined);
  const close = () => setParams({ add: undefined, edit: undefined }, { replace: true });
  const [deleting, setDeleting] = createSignal<Connection>();
  const failing = () => connections().filter((c) => c.state?.status === 'error').length;

  return (
    <div class="space-y-5 pb-8" data-testid="connections-page">
      <PageHeader
        title="Connections"
        description={
          <Show when={connections().length > 0} fallback="Proxmox VE, Backup Server and Mail Gateway servers Pulse reads through their API.">
            <span data-testid="connections-summary">
              {plural(connections().length, 'connection')}
              <Show when={failing() > 0}>
                {' · '}
                <span class="text-crit">{formatCount(failing())} failing</span>
              </Show>
            </span>
          </Show>
        }
        actions={
          <Button
            variant="primary"
            onClick={() => setParams({ add: '1', edit: undefined }, { replace: true })}
            disabled={!canEdit() || formOpen()}
            title={canEdit() ? undefined : 'Only admins can add connections'}
            testId="add-connection-open"
          >
            <Plus size={15} />
            Add connection
          </Button>
        }
      />
      <Show when={formOpen()}>
        {/* Keyed by what is edited, so switching from one connection to another starts a fresh form. */}
        <Show when={editing()?.id ?? 'new'} keyed>
          {(_key) => (
            <ConnectionForm
              api={api}
              editing={editing()}
              onClose={close}
              onSaved={() => {
                close();
                void poll.refresh();
              }}
            />
          )}
        </Show>
      </Show>
      <Show when={poll.error() && poll.value()}>
        <Banner tone="warn" testId="connections-stale">
          Could not refresh: {poll.error()} The list is from {formatAgo(poll.updatedAt(), now())}.
        </Banner>
      </Show>
      <Switch>
        <Match when={poll.value() && connections().length > 0}>
          <Card title="Connections" hint={connections().length} flush testId="connections-card">
            <ul class="divide-y">
              <For each={connections()}>
                {(c) => (
                  <ConnectionRow
                    c={c}
                    now={now()}
                    canEdit={canEdit()}
                    onEdit={() => setParams({ edit: c.id, add: undefined }, { replace: true })}
                    onDelete={() => setDeleting(c)}
                  />
                )}
              </For>
            </ul>
          </Card>
        </Match>
        <Match when={poll.value()}>
          <Show when={!formOpen()}>
            <div class="rounded-xl border bg-surface shadow-card">
              <EmptyState
                icon={<Plug size={20} />}
                title="No Proxmox connection yet"
                action={
                  <Show when={canEdit()} fallback={<span class="text-xs text-faint">Ask an admin to add one.</span>}>
                    <Button variant="primary" onClick={() => setParams({ add: '1' }, { replace: true })}>
                      Add a connection
                    </Button>
                  </Show>
                }
                testId="connections-empty"
              >
                Connect a Proxmox VE cluster, a Backup Server or a Mail Gateway with a read-only API token: Pulse then shows its nodes, guests, storage and backups, live.
                The setup script below makes the token for you.
              </EmptyState>
            </div>
          </Show>
        </Match>
        <Match when={poll.error()}>
          <div class="rounded-xl border bg-surface shadow-card">
            <EmptyState tone="error" icon={<TriangleAlert size={20} />} title="Could not load connections" testId="connections-error">
              {poll.error()}
            </EmptyState>
          </div>
        </Match>
        <Match when={true}>
          <div class="flex h-48 items-center justify-center text-faint" data-testid="connections-loading">
            <Spinner />
          </div>
        </Match>
      </Switch>
      <Show when={canEdit()}>
        <SetupScriptPanel api={api} />
      </Show>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete the connection ${deleting()?.name ?? ''}?`}
        confirmLabel="Delete connection"
        danger
        onConfirm={async () => {
          await api.remove(deleting()!.id);
          await poll.refresh();
        }}
        onClose={() => setDeleting(undefined)}
        testId="delete-connection-dialog"
      >
        Pulse stops reading {deleting()?.endpoints[0]} and forgets its token. Its nodes, guests and storage leave the dashboard; their history is kept until it
        ages out.
      </ConfirmDialog>
    </div>
  );
}
