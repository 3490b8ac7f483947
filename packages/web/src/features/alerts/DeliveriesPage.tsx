import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import Inbox from 'lucide-solid/icons/inbox';
import RotateCcw from 'lucide-solid/icons/rotate-ccw';
import { PageHeader } from '../../app/PageHeader';
import { formatAgo, formatCount, formatIn } from '../../lib/format';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { usePageTitle } from '../../lib/title';
import { Banner } from '../../ui/Banner';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { Spinner } from '../../ui/Spinner';
import { Table, type Column } from '../../ui/Table';
import { useSession } from '../auth/session';
import { canWriteSettings } from './AlertActions';
import { clock } from './alert-model';
import { isMissingEndpoint, type Channel, type Delivery, type DeliveryState } from './alerts-api';
import { AlertsTabs } from './AlertsTabs';
import { ChannelIcon, SeverityChip } from './cells';
import { useAlerts } from './store';

const VIEWS: { value: DeliveryState; label: string }[] = [
  { value: 'dead', label: 'Failed' },
  { value: 'queued', label: 'Queued' },
  { value: 'sent', label: 'Sent' },
];

/** `/alerts/deliveries`: notifications that could not be delivered (dead letters), those waiting, and those sent. */
export default function DeliveriesPage() {
  usePageTitle(() => 'Deliveries');
  const store = useAlerts();
  const session = useSession();
  const canEdit = () => canWriteSettings(session.info()?.scopes);
  const now = createNow(10_000);
  const [params, setParams] = useSearchParams<{ state?: string }>();
  const view = (): DeliveryState => (params.state === 'queued' || params.state === 'sent' ? params.state : 'dead');
  const poll = createPoll(async (signal) => {
    const state = view();
    try {
      return { state, deliveries: await store.api.deliveries.list(state, signal) };
    } catch (err) {
      if (isMissingEndpoint(err)) return { state, missing: true as const, deliveries: [] as Delivery[] };
      throw err;
    }
  }, 15_000);
  const channels = createPoll((signal) => store.api.channels.list(signal).catch(() => [] as Channel[]), 60_000);
  const channelOf = (id: string) => channels.value()?.find((c) => c.id === id);
  const rows = createMemo(() => (poll.value()?.state === view() ? [...poll.value()!.deliveries].sort((a, b) => b.createdAt - a.createdAt) : undefined));
  const [retrying, setRetrying] = createSignal<string>();
  const [retryError, setRetryError] = createSignal<string>();
  const retry = async (d: Delivery) => {
    setRetrying(d.id);
    setRetryError(undefined);
    try {
      await store.api.deliveries.retry(d.id);
      await poll.refresh();
    } catch (err) {
      setRetryError((err as Error).message);
    } finally {
      setRetrying(undefined);
    }
  };
  const title = (d: Delivery) => d.title ?? d.notificationId;

  const columns = (): Column<Delivery>[] => [
    {
      key: 'what',
      header: 'Notification',
      class: 'min-w-72',
      cell: (d) => (
        <div class="max-w-[560px] min-w-0 py-1.5">
          <div class="flex items-center gap-2">
            <Show when={d.severity}>{(s) => <SeverityChip severity={s()} />}</Show>
            <span class="truncate font-medium text-fg" title={title(d)}>{title(d)}</span>
          </div>
          <div class="mt-0.5 truncate font-mono text-[11px] text-faint" title={d.notificationId}>{d.notificationId}</div>
        </div>
      ),
    },
    {
      key: 'channel',
      header: 'Channel',
      cell: (d) => {
        const c = channelOf(d.channelId);
        return (
          <span class="inline-flex items-center gap-1.5 whitespace-nowrap text-fg">
            <Show when={c ?? (d.channelType ? { type: d.channelType } : undefined)}>{(x) => <span class="text-muted"><ChannelIcon type={x().type} size={13} /></span>}</Show>
            {c?.name ?? d.channelName ?? d.channelId}
          </span>
        );
      },
    },
    { key: 'attempts', header: 'Attempts', align: 'right', cell: (d) => <span class="num">{formatCount(d.attempts)}</span> },
    {
      key: 'error',
      header: view() === 'sent' ? 'Sent' : 'Last error',
      class: 'min-w-48 max-w-80',
      cell: (d) =>
        view() === 'sent' ? (
          <span class="num text-muted">{d.sentAt ? clock(d.sentAt, now()) : '—'}</span>
        ) : (
          <div class="text-xs">
            <span class="line-clamp-2 text-crit" title={d.lastError}>
              {d.lastError ?? <span class="text-muted">—</span>}
            </span>
            <Show when={view() === 'queued' && d.nextAttemptAt}>
              <span class="block text-muted">{(d.nextAttemptAt ?? 0) > now() ? `next try ${formatIn(d.nextAttemptAt, now())}` : 'waiting for the channel'}</span>
            </Show>
          </div>
        ),
    },
    { key: 'created', header: 'Created', cell: (d) => <span class="num whitespace-nowrap text-muted" title={new Date(d.createdAt).toLocaleString()}>{formatAgo(d.createdAt, now())}</span> },
    {
      key: 'retry',
      header: '',
      align: 'right',
      cell: (d) => (
        <Show when={canEdit() && d.state === 'dead'}>
          <Button class="h-8! px-2.5 text-xs!" busy={retrying() === d.id} onClick={() => void retry(d)} testId="delivery-retry">
            <RotateCcw size={13} />
            Retry
          </Button>
        </Show>
      ),
    },
  ];

  return (
    <div class="space-y-5 pb-8" data-testid="alert-deliveries-page">
      <PageHeader title="Alerts" description="Each notification goes to each channel on its own; failures are retried with backoff before they count as failed." />
      <AlertsTabs />
      <Show when={poll.value()?.missing}>
        <Banner tone="info" title="The notifications API is not on this server yet" testId="alerts-api-missing">
          Deliveries need a server with the notifications API (GET /api/notifications).
        </Banner>
      </Show>
      <Show when={retryError()}>
        <Banner tone="crit" title="Could not retry">
          {retryError()}
        </Banner>
      </Show>
      <Card
        title={
          <SegmentedControl
            label="Deliveries"
            options={VIEWS}
            value={view()}
            onChange={(v) => {
              setParams({ state: v === 'dead' ? undefined : v }, { replace: true });
              void poll.refresh();
            }}
            testId="deliveries-state"
          />
        }
        hint={rows() ? formatCount(rows()!.length) : undefined}
        flush
        testId="deliveries-card"
      >
        <Switch>
          <Match when={poll.error() && !rows()}>
            <div class="p-4">
              <Banner tone="crit" title="Could not load the deliveries">
                {poll.error()}
              </Banner>
            </div>
          </Match>
          <Match when={!rows()}>
            <div class="flex h-40 items-center justify-center text-faint">
              <Spinner />
            </div>
          </Match>
          <Match when={rows()!.length === 0}>
            <EmptyState icon={<Inbox size={20} />} title={view() === 'dead' ? 'Nothing failed' : view() === 'queued' ? 'Nothing waiting' : 'Nothing sent yet'} testId="deliveries-empty">
              {view() === 'dead'
                ? 'Every notification reached its channel. One that keeps failing (a bad token, a removed webhook) shows here with its error, to fix and retry.'
                : view() === 'queued'
                  ? 'Notifications wait here only while a channel is slow or retrying.'
                  : 'Notifications that went out show here.'}
            </EmptyState>
          </Match>
          <Match when={true}>
            <Table columns={columns()} rows={rows()!} rowKey={(d) => d.id} testId="deliveries-table" />
          </Match>
        </Switch>
      </Card>
    </div>
  );
}
