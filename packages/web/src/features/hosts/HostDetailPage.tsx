import { A, useParams } from '@solidjs/router';
import { createMemo, Match, Show, Switch, untrack } from 'solid-js';
import SearchX from 'lucide-solid/icons/search-x';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { Spinner } from '../../ui/Spinner';
import { usePageTitle } from '../../lib/title';
import { useResources } from '../infrastructure/store';
import { CpuCard } from './CpuCard';
import { HistoryCards } from './HistoryCards';
import { HostHeader } from './HostHeader';
import { MemoryCard } from './MemoryCard';
import { NetworkCard } from './NetworkCard';
import { ProcessesCard } from './ProcessesCard';
import { ViewerCount } from './ViewerCount';
import { DisksCard, FilesystemsCard } from './StorageCards';

/** Everything about one host, live: the resource from the shared list, the charts from its own channel. */
export default function HostDetailPage() {
  const params = useParams<{ id: string }>();
  const store = useResources();
  const id = () => {
    try {
      return decodeURIComponent(params.id);
    } catch {
      return params.id; // a stray '%' in a hand-typed address
    }
  };
  const resource = createMemo(() => store.get(id()));
  usePageTitle(() => resource()?.name);

  return (
    <Switch>
      <Match when={resource()}>
        {(r) => (
          <div class="space-y-5 pb-8" data-testid="host-detail">
            {/* The viewer count and the charts both listen on resource:<id>. Mounted in the same
                render they share one subscribe; a later second listener would make the client
                start the subscription over, flickering a leave and join to everyone else. */}
            <HostHeader
              r={r()}
              aside={
                <Show when={id()} keyed>
                  {(key) => <ViewerCount id={key} />}
                </Show>
              }
            />
            <div class="grid gap-4 xl:grid-cols-3">
              <div class="flex xl:col-span-2">
                <CpuCard r={r()} />
              </div>
              <MemoryCard r={r()} />
            </div>
            {/* Keyed by id: moving to another host starts its own history and subscription. The
                charted metrics are those the host reports when the page opens. */}
            <Show when={id()} keyed>
              {(key) => <HistoryCards id={key} metrics={new Set(Object.keys(untrack(r).metrics))} />}
            </Show>
            <FilesystemsCard r={r()} />
            <div class="grid gap-4 xl:grid-cols-3">
              <ProcessesCard r={r()} />
              <div class="flex xl:col-span-2">
                <DisksCard r={r()} />
              </div>
            </div>
            <NetworkCard r={r()} />
          </div>
        )}
      </Match>
      <Match when={!store.state.ready}>
        <div class="flex h-64 items-center justify-center text-faint" data-testid="host-loading">
          <Spinner />
        </div>
      </Match>
      <Match when={true}>
        <EmptyState
          icon={<SearchX size={20} />}
          title="Resource not found"
          action={
            <A href="/">
              <Button>Back to Infrastructure</Button>
            </A>
          }
          testId="host-not-found"
        >
          Pulse has no resource “{id()}”. It may have been removed, or the link is wrong.
        </EmptyState>
      </Match>
    </Switch>
  );
}
