import { A, Navigate, useParams } from '@solidjs/router';
import { createMemo, lazy, Match, Switch } from 'solid-js';
import SearchX from 'lucide-solid/icons/search-x';
import { useResources } from '../features/infrastructure/store';
import { usePageTitle } from '../lib/title';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { Spinner } from '../ui/Spinner';

// Each page carries uPlot; loading them on demand keeps the first paint light.
const HostDetailPage = lazy(() => import('../features/hosts/HostDetailPage'));
const ContainerDetailPage = lazy(() => import('../features/containers/ContainerDetailPage'));
const DockerHostPage = lazy(() => import('../features/containers/DockerHostPage'));
const GuestDetailPage = lazy(() => import('../features/proxmox/GuestDetailPage'));

/** `/resources/:id`: the page that fits the resource's type, once the live list has it. */
export function ResourceRoute() {
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
  // Only a change of type swaps the page; new figures for the same resource update it in place.
  const type = createMemo(() => resource()?.type);
  // Proxmox guests (`pve:<c>:qemu/<vmid>`, `pve:<c>:lxc/<vmid>`) have their own page.
  const isPveGuest = createMemo(() => (type() === 'vm' || type() === 'system-container') && id().startsWith('pve:'));
  usePageTitle(() => resource()?.name);

  return (
    <Switch>
      {/* Uptime monitors (`monitor:<id>`) live at /uptime/<id>. */}
      <Match when={type() === 'monitor' || (id().startsWith('monitor:') && !resource() && store.state.ready)}>
        <Navigate href={`/uptime/${encodeURIComponent(id().slice('monitor:'.length))}`} />
      </Match>
      {/* An app instance (`app:<app>/<instance>`) is shown on its app's page. */}
      <Match when={type() === 'app' || id().startsWith('app:')}>
        <Navigate href={`/apps/${encodeURIComponent(id().slice('app:'.length).split('/')[0] ?? '')}`} />
      </Match>
      <Match when={type() === 'app-container' && resource()}>{(r) => <ContainerDetailPage r={r()} />}</Match>
      <Match when={type() === 'docker-host' && resource()}>{(r) => <DockerHostPage r={r()} />}</Match>
      <Match when={isPveGuest() && resource()}>{(r) => <GuestDetailPage r={r()} />}</Match>
      <Match when={resource()}>{(r) => <HostDetailPage r={r()} />}</Match>
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
