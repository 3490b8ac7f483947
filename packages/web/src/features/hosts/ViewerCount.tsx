import { Show } from 'solid-js';
import Eye from 'lucide-solid/icons/eye';
import { useLive } from '../../app/live';
import { createViewers } from './viewers';

/**
 * "2 viewing" when someone besides you has this resource open; nothing when it is only you, the
 * way collaborative tools show presence only once there is someone else to notice. People, not
 * tabs: your own second tab does not count as another viewer.
 */
export function ViewerCount(props: { id: string }) {
  const users = createViewers(props.id, useLive());
  const others = () => (users() ?? 0) - 1;
  const hint = () => `You and ${others()} other ${others() === 1 ? 'person' : 'people'} are viewing this resource`;

  return (
    <Show when={others() > 0}>
      <div
        class="inline-flex h-7 items-center gap-1.5 rounded-full border bg-surface px-2.5 text-xs font-medium text-muted transition-opacity duration-300 starting:opacity-0"
        title={hint()}
        data-testid="viewer-count"
        data-count={users()}
      >
        <Eye size={14} class="text-faint" aria-hidden="true" />
        <span class="num">{users()} viewing</span>
      </div>
    </Show>
  );
}
