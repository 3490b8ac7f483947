import { For, Show } from 'solid-js';
import Repeat from 'lucide-solid/icons/repeat';
import { Chip } from '../../ui/Chip';
import { formatMs } from './monitor-model';
import { barGeometry, type Waterfall } from './waterfall';

/** One check as horizontal bars: each phase starting where the one before ended, its time beside it. */
export function WaterfallView(props: { waterfall: Waterfall; testId?: string }) {
  const total = () => props.waterfall.totalMs;
  return (
    <div data-testid={props.testId} data-total={total().toFixed(3)}>
      <div class="space-y-2">
        <For each={props.waterfall.rows}>
          {(row) => {
            const g = () => barGeometry(row, total());
            return (
              <div class="grid grid-cols-[112px_minmax(0,1fr)_72px] items-center gap-3 text-[13px]" data-testid="waterfall-row" data-phase={row.key} data-start={row.startMs.toFixed(3)} data-duration={row.durationMs.toFixed(3)}>
                <span class="flex items-center gap-2 text-muted">
                  <span class="size-2 shrink-0 rounded-[3px]" style={{ background: `var(${row.color})` }} />
                  {row.label}
                </span>
                <div class="relative h-5 rounded bg-surface-2">
                  <Show
                    when={!row.skipped}
                    fallback={
                      <span class="absolute inset-y-0 left-2 flex items-center text-[11px] text-faint">
                        {props.waterfall.reused && row.key !== 'ttfb' && row.key !== 'download' ? 'reused connection' : row.key === 'dns' ? 'no lookup' : 'did not happen'}
                      </span>
                    }
                  >
                    <div
                      class="absolute inset-y-0.5 rounded-[3px]"
                      classList={{ 'bg-crit': !!row.failed }}
                      style={{ left: `${g().left}%`, width: `${g().width}%`, ...(row.failed ? { 'background-image': 'repeating-linear-gradient(135deg, transparent 0 5px, rgb(255 255 255 / 0.22) 5px 10px)' } : { background: `var(${row.color})` }) }}
                    />
                    <Show when={row.failed}>
                      <span class="absolute inset-y-0 left-2 flex items-center text-[11px] font-medium text-accent-fg" style={{ left: `calc(${g().left}% + 8px)` }}>
                        gave up here
                      </span>
                    </Show>
                  </Show>
                </div>
                <span class="num text-right font-medium" classList={{ 'text-crit': !!row.failed, 'text-fg': !row.failed }}>
                  {row.skipped ? <span class="text-faint">—</span> : formatMs(row.durationMs)}
                </span>
              </div>
            );
          }}
        </For>
      </div>
      <div class="mt-3 grid grid-cols-[112px_minmax(0,1fr)_72px] items-center gap-3 border-t pt-3 text-[13px]">
        <span class="font-medium text-fg">Total</span>
        <div class="flex items-center gap-2">
          <Show when={props.waterfall.reused}>
            <Chip tone="accent" icon={<Repeat size={11} />} testId="waterfall-reused">
              reused connection
            </Chip>
          </Show>
        </div>
        <span class="num text-right font-semibold text-fg" data-testid="waterfall-total">
          {formatMs(total())}
        </span>
      </div>
    </div>
  );
}
