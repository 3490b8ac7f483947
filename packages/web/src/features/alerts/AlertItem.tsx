import type { Alert } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import PauseCircle from 'lucide-solid/icons/circle-pause';
import { formatAgo, formatDuration } from '../../lib/format';
import { Chip } from '../../ui/Chip';
import { toneFill } from '../../ui/tone';
import { TypeIcon } from '../infrastructure/TypeIcon';
import { useResources } from '../infrastructure/store';
import { clock, durationOf, heldText, resourceHref, severityTone, sinceOf } from './alert-model';
import { AlertActions } from './AlertActions';
import { AlertStateBadge, SeverityChip } from './cells';
import { useAlerts } from './store';

/** One open alert: what, where, since when, why nothing is sent, and what to do about it. */
export function AlertItem(props: { alert: Alert; now: number; showResource?: boolean; showSeverity?: boolean }) {
  const resources = useResources();
  const alerts = useAlerts();
  const a = () => props.alert;
  const resource = () => resources.get(a().resourceId);
  const parentName = () => {
    const p = a().parentAlertId ? alerts.get(a().parentAlertId!) : undefined;
    return p?.resourceName ?? (resource()?.parentId ? resources.get(resource()!.parentId!)?.name : undefined);
  };
  const held = () => heldText(a(), props.now, parentName());
  return (
    <li class="flex flex-wrap items-start gap-x-4 gap-y-2 px-4 py-3" data-testid="alert-item" data-state={a().state} data-severity={a().severity} data-id={a().id}>
      <span class={`mt-1.5 h-8 w-1 shrink-0 rounded-full ${a().state === 'firing' ? toneFill[severityTone[a().severity]] : 'bg-surface-3'}`} aria-hidden="true" />
      <div class="min-w-0 flex-1">
        <div class="flex min-w-0 flex-wrap items-center gap-2">
          <AlertStateBadge alert={a()} testId="alert-state" />
          <Show when={props.showSeverity}>
            <SeverityChip severity={a().severity} />
          </Show>
          <span class="truncate text-[13.5px] font-semibold text-fg" data-testid="alert-message">
            {a().message}
          </span>
        </div>
        <div class="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted">
          <Show when={props.showResource}>
            <A href={resourceHref(a().resourceId)} class="inline-flex items-center gap-1.5 font-medium text-fg hover:text-accent" data-testid="alert-resource">
              <span class="text-muted">
                <TypeIcon type={resource()?.type ?? (a().resourceId.startsWith('monitor:') ? 'monitor' : 'host')} size={13} />
              </span>
              {a().resourceName || a().resourceId}
            </A>
          </Show>
          <span>{a().ruleName}</span>
          <span class="num" title={new Date(sinceOf(a())).toLocaleString()} data-testid="alert-since">
            {a().state === 'pending' ? 'pending' : 'since'} {clock(sinceOf(a()), props.now)} · {formatDuration(durationOf(a(), props.now) / 1000)}
          </span>
          <Show when={a().state === 'acknowledged' && a().acknowledgedAt}>
            <span>
              acknowledged {formatAgo(a().acknowledgedAt, props.now)}
              {a().acknowledgedBy ? ` by ${a().acknowledgedBy}` : ''}
            </span>
          </Show>
          <Show when={held()}>
            <Chip icon={<PauseCircle size={11} />} title="Notifications about this alert are held" testId="alert-held">
              {held()!}
            </Chip>
          </Show>
        </div>
      </div>
      <AlertActions alert={a()} />
    </li>
  );
}
