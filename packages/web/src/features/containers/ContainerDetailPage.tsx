import type { Resource } from '@pulse/protocol';
import { Show, untrack } from 'solid-js';
import { formatBytes } from '../../lib/format';
import { createNow } from '../../lib/now';
import { Banner } from '../../ui/Banner';
import { Card } from '../../ui/Card';
import { FactList } from '../../ui/FactList';
import { dateTimeLabel } from '../../ui/time-labels';
import { HistoryCards } from '../history/HistoryCards';
import { ViewerCount } from '../hosts/ViewerCount';
import { metric } from '../infrastructure/model';
import { SourceList } from '../infrastructure/SourceList';
import { containerFactsOf, portLabels } from '../workloads/container-model';
import { containerCharts } from './container-charts';
import { ContainerFigures } from './ContainerFigures';
import { ContainerHeader } from './ContainerHeader';

const when = (ms: number | undefined, now: number) => (ms === undefined ? '—' : dateTimeLabel(ms, now));

/** One container, live: its state and figures from the shared list, its charts from its own channel. */
export default function ContainerDetailPage(props: { r: Resource }) {
  const now = createNow(5_000);
  const facts = () => containerFactsOf(props.r);
  const isStopped = () => facts().state === 'exited' || facts().state === 'dead';
  return (
    <div class="space-y-5 pb-8" data-testid="container-detail">
      {/* As on the host page, the viewer count and the charts share the resource:<id> subscription. */}
      <ContainerHeader
        r={props.r}
        aside={
          <Show when={props.r.id} keyed>
            {(key) => <ViewerCount id={key} />}
          </Show>
        }
      />
      <Show when={facts().oomKilled && isStopped()}>
        <Banner tone="crit" title="Killed for running out of memory" testId="container-oom-banner">
          The kernel stopped it when it went over its memory limit
          <Show when={metric(props.r, 'mem.limit') !== undefined}> ({formatBytes(metric(props.r, 'mem.limit'))})</Show>. Raise the limit
          (<code class="font-mono text-[12px]">mem_limit</code> / <code class="font-mono text-[12px]">--memory</code>) or find what grew.
        </Banner>
      </Show>
      <Show when={facts().error}>
        <Banner tone="crit" title="The engine reports an error for this container" testId="container-error-banner">
          {facts().error}
        </Banner>
      </Show>
      <Show when={facts().collectError}>
        <Banner tone="warn" title="Figures for this container may be stale" testId="collect-error-banner">
          {facts().collectError}
        </Banner>
      </Show>
      <ContainerFigures r={props.r} />
      {/* Keyed by id: another container starts its own history and subscription. The charts are
          those it reports figures for when the page opens: none while it is stopped. */}
      <Show when={props.r.id} keyed>
        {(key) => {
          const charts = containerCharts(new Set(Object.keys(untrack(() => props.r.metrics))));
          return (
            <Show
              when={charts.length > 0}
              fallback={
                <Card title="History" testId="history-none">
                  <p class="text-[13px] text-muted">
                    Nothing to chart: a stopped container reports no figures. Its charts come back when it runs again.
                  </p>
                </Card>
              }
            >
              <HistoryCards id={key} charts={charts} />
            </Show>
          );
        }}
      </Show>
      <div class="grid gap-4 xl:grid-cols-2">
        <Card title="Container" testId="container-facts">
          <FactList
            facts={[
              { label: 'Image', value: <span class="font-mono text-[12.5px] break-all">{facts().image ?? '—'}</span> },
              { label: 'Engine says', value: facts().statusText ?? '—', testId: 'container-status-text' },
              { label: 'Created', value: when(facts().createdAt, now()) },
              { label: 'Started', value: when(facts().startedAt, now()) },
              { label: 'Finished', value: isStopped() ? when(facts().finishedAt, now()) : '—' },
            ]}
          />
        </Card>
        <Card title="Where it runs" testId="container-placement">
          <FactList
            facts={[
              { label: 'Compose project', value: facts().composeProject ?? '—' },
              { label: 'Compose service', value: facts().composeService ?? '—' },
              {
                label: 'Ports',
                value: (
                  <span class="font-mono text-[12.5px]" data-testid="container-port-list">
                    {portLabels(facts().ports).join(', ') || <span class="font-sans text-faint">none published</span>}
                  </span>
                ),
              },
              { label: 'Reported by', value: <SourceList r={props.r} /> },
              { label: 'Resource id', value: <span class="font-mono text-[12px] break-all text-muted">{props.r.id}</span> },
            ]}
          />
        </Card>
      </div>
    </div>
  );
}
