import { channelTypes, type ChannelType } from '@pulse/protocol';
import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import BellOff from 'lucide-solid/icons/bell-off';
import Pencil from 'lucide-solid/icons/pencil';
import Plus from 'lucide-solid/icons/plus';
import Send from 'lucide-solid/icons/send';
import Trash2 from 'lucide-solid/icons/trash';
import { PageHeader } from '../../app/PageHeader';
import { plural } from '../../lib/format';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { Chip } from '../../ui/Chip';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { EmptyState } from '../../ui/EmptyState';
import { Spinner } from '../../ui/Spinner';
import { useSession } from '../auth/session';
import { canWriteSettings } from './AlertActions';
import { severityLabel } from './alert-model';
import { isMissingEndpoint, type Channel, type TestOutcome } from './alerts-api';
import { AlertsTabs } from './AlertsTabs';
import { ChannelIcon } from './cells';
import { CHANNEL_LABEL, channelTarget } from './channel-fields';
import { ChannelForm } from './ChannelForm';
import { useAlerts } from './store';

function ChannelRow(props: { c: Channel; canEdit: boolean; onEdit: () => void; onDelete: () => void; onTest: () => Promise<TestOutcome> }) {
  const [testing, setTesting] = createSignal(false);
  const [result, setResult] = createSignal<TestOutcome>();
  const test = async () => {
    setTesting(true);
    setResult(undefined);
    try {
      setResult(await props.onTest());
    } catch (err) {
      setResult({ ok: false, error: (err as Error).message });
    } finally {
      setTesting(false);
    }
  };
  const target = () => channelTarget(props.c);
  return (
    <li class="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3.5" data-testid="channel-row" data-name={props.c.name} data-type={props.c.type}>
      <div class="flex size-9 shrink-0 items-center justify-center rounded-lg border bg-surface-2 text-muted" classList={{ 'opacity-50': !props.c.enabled }}>
        <ChannelIcon type={props.c.type} size={17} />
      </div>
      <div class="min-w-0 flex-1">
        <div class="flex min-w-0 flex-wrap items-center gap-2">
          <span class="truncate text-[14px] font-semibold text-fg" data-testid="channel-row-name">
            {props.c.name}
          </span>
          <Chip>{CHANNEL_LABEL[props.c.type] ?? props.c.type}</Chip>
          <Show when={!props.c.enabled}>
            <Chip tone="unknown">Disabled</Chip>
          </Show>
        </div>
        <div class="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted">
          <Show when={target()}>
            <span class="font-mono">{target()}</span>
          </Show>
          <span>{props.c.minSeverity === 'info' ? 'every severity' : `${severityLabel[props.c.minSeverity].toLowerCase()}${props.c.minSeverity === 'warning' ? ' and critical' : ' only'}`}</span>
          <Show when={props.c.tags.length}>
            <span>tags {props.c.tags.join(', ')}</span>
          </Show>
          <span>{props.c.sendResolved ? 'sends resolved' : 'firing only'}</span>
        </div>
      </div>
      <Show when={result()}>
        {(r) => (
          <span class="max-w-80 truncate text-xs" classList={{ 'text-ok': r().ok, 'text-crit': !r().ok }} title={r().error} data-testid="channel-row-test-result">
            {r().ok ? 'Test sent' : r().error ?? 'Test failed'}
          </span>
        )}
      </Show>
      <Show when={props.canEdit}>
        <div class="flex shrink-0 items-center gap-1">
          <Button class="h-8! px-2.5 text-xs!" busy={testing()} onClick={() => void test()} testId="channel-row-test">
            <Send size={13} />
            Send test
          </Button>
          <IconButton label={`Edit ${props.c.name}`} onClick={props.onEdit} testId="channel-edit">
            <Pencil size={15} />
          </IconButton>
          <IconButton label={`Delete ${props.c.name}`} onClick={props.onDelete} testId="channel-delete">
            <Trash2 size={15} />
          </IconButton>
        </div>
      </Show>
    </li>
  );
}

const isChannelType = (v: string | undefined): v is ChannelType => !!v && (channelTypes as readonly string[]).includes(v);

/** `/alerts/channels`: where alerts go (email, chat, push, paging), each testable. */
export default function ChannelsPage() {
  usePageTitle(() => 'Notification channels');
  const store = useAlerts();
  const session = useSession();
  const canEdit = () => canWriteSettings(session.info()?.scopes);
  // `?add=1` (or `?add=<type>`) opens an empty form; `?edit=<id>` one channel.
  const [params, setParams] = useSearchParams<{ add?: string; edit?: string }>();
  const poll = createPoll(async (signal) => {
    try {
      return { channels: await store.api.channels.list(signal) };
    } catch (err) {
      if (isMissingEndpoint(err)) return { missing: true as const, channels: [] as Channel[] };
      throw err;
    }
  }, 30_000);
  const channels = createMemo(() => [...(poll.value()?.channels ?? [])].sort((a, b) => a.name.localeCompare(b.name)));
  const editing = createMemo(() => (params.edit ? channels().find((c) => c.id === params.edit) : undefined));
  const formOpen = () => canEdit() && !poll.value()?.missing && (params.add !== undefined || editing() !== undefined);
  const close = () => setParams({ add: undefined, edit: undefined }, { replace: true });
  const [deleting, setDeleting] = createSignal<Channel>();
  const add = (type?: ChannelType) => setParams({ add: type ?? '1', edit: undefined }, { replace: true });

  return (
    <div class="space-y-5 pb-8" data-testid="alert-channels-page">
      <PageHeader
        title="Alerts"
        description={<Show when={channels().length} fallback="Channels carry alerts out of the dashboard: email, chat, push and paging services.">{plural(channels().length, 'channel')}</Show>}
        actions={
          <Button variant="primary" onClick={() => add()} disabled={!canEdit() || formOpen() || !!poll.value()?.missing} title={canEdit() ? undefined : 'Only admins can add channels'} testId="channel-add">
            <Plus size={15} />
            Add channel
          </Button>
        }
      />
      <AlertsTabs />
      <Show when={poll.value()?.missing}>
        <Banner tone="info" title="The channels API is not on this server yet" testId="alerts-api-missing">
          Channels need a server with the notifications API (GET /api/channels).
        </Banner>
      </Show>
      <Show when={formOpen()}>
        <Show when={editing()?.id ?? `new:${params.add}`} keyed>
          {(_key) => (
            <ChannelForm
              api={store.api}
              editing={editing()}
              initialType={isChannelType(params.add) ? params.add : undefined}
              onClose={close}
              onSaved={() => {
                close();
                void poll.refresh();
              }}
            />
          )}
        </Show>
      </Show>
      <Switch>
        <Match when={poll.error() && !poll.value()}>
          <Banner tone="crit" title="Could not load the channels">
            {poll.error()}
          </Banner>
        </Match>
        <Match when={!poll.value()}>
          <div class="flex h-48 items-center justify-center text-faint">
            <Spinner />
          </div>
        </Match>
        <Match when={channels().length > 0}>
          <Card title="Channels" hint={channels().length} flush testId="channels-card">
            <ul class="divide-y">
              <For each={channels()}>
                {(c) => (
                  <ChannelRow
                    c={c}
                    canEdit={canEdit()}
                    onEdit={() => setParams({ edit: c.id, add: undefined }, { replace: true })}
                    onDelete={() => setDeleting(c)}
                    onTest={() => store.api.channels.test({ id: c.id })}
                  />
                )}
              </For>
            </ul>
          </Card>
        </Match>
        <Match when={!poll.value()?.missing && !formOpen()}>
          <div class="rounded-xl border bg-surface shadow-card">
            <EmptyState
              icon={<BellOff size={20} />}
              title="No channels yet"
              action={
                <Show when={canEdit()} fallback={<span class="text-xs text-faint">Ask an admin to add one.</span>}>
                  <div class="flex flex-col items-center gap-3">
                    <Button variant="primary" onClick={() => add()} testId="channel-add-empty">
                      <Plus size={15} />
                      Add a channel
                    </Button>
                    <div class="flex flex-wrap justify-center gap-1.5">
                      <For each={['email', 'slack', 'discord', 'telegram', 'ntfy', 'webhook'] as const}>
                        {(t) => (
                          <button type="button" class="inline-flex h-7 items-center gap-1.5 rounded-md border px-2 text-xs text-muted hover:bg-surface-2 hover:text-fg" onClick={() => add(t)}>
                            <ChannelIcon type={t} size={12} />
                            {CHANNEL_LABEL[t]}
                          </button>
                        )}
                      </For>
                    </div>
                  </div>
                </Show>
              }
              testId="channels-empty"
            >
              Alerts show in the dashboard either way; a channel also tells you where you are. Add one, press Send test to see it arrive, and every rule without its own
              channels sends there by severity.
            </EmptyState>
          </div>
        </Match>
      </Switch>
      <ConfirmDialog
        open={deleting() !== undefined}
        title={`Delete the channel ${deleting()?.name ?? ''}?`}
        confirmLabel="Delete channel"
        danger
        onConfirm={async () => {
          await store.api.channels.remove(deleting()!.id);
          await poll.refresh();
        }}
        onClose={() => setDeleting(undefined)}
        testId="channel-delete-dialog"
      >
        Nothing more is sent there, and rules that name it lose it. Notifications still queued for it are dropped.
      </ConfirmDialog>
    </div>
  );
}
