import type { Resource } from '@pulse/protocol';
import { Show } from 'solid-js';
import { formatCount } from '../../lib/format';
import { Card } from '../../ui/Card';
import { Legend, StackedBar } from '../../ui/StackedBar';
import { metric } from '../infrastructure/model';
import { processesOf } from './details';

/** Kernel activity per second, from /proc/stat: how busy the scheduler is, beyond CPU time. */
const rates = [
  { key: 'procs.forks', label: 'Forks' },
  { key: 'cpu.ctxt', label: 'Context switches' },
  { key: 'cpu.intr', label: 'Interrupts' },
] as const;

const states = [
  { key: 'running', label: 'Running', fill: 'bg-ok' },
  { key: 'sleeping', label: 'Sleeping', fill: 'bg-accent' },
  { key: 'idle', label: 'Idle', fill: 'bg-border-strong' },
  { key: 'blocked', label: 'Blocked (D)', fill: 'bg-warn' },
  { key: 'zombie', label: 'Zombie', fill: 'bg-crit' },
  { key: 'stopped', label: 'Stopped', fill: 'bg-unknown' },
] as const;

export function ProcessesCard(props: { r: Resource }) {
  const procs = () => processesOf(props.r);
  const parts = () => states.map((s) => ({ ...s, value: procs()[s.key] }));
  return (
    <Card title="Processes" testId="processes-card">
      <div class="flex items-baseline gap-2">
        <span class="num text-2xl font-semibold tracking-[-0.02em] text-fg" data-testid="host-procs-total">
          {formatCount(procs().total)}
        </span>
        <span class="text-xs text-muted">total</span>
      </div>
      <StackedBar class="mt-3" segments={parts().map((p) => ({ ...p, value: p.value ?? 0 }))} />
      <div data-testid="process-states">
        <Legend class="mt-3 grid-cols-2" items={parts().map((p) => ({ ...p, value: formatCount(p.value) }))} />
      </div>
      <Show when={rates.some((r) => metric(props.r, r.key) !== undefined)}>
        <dl class="mt-4 space-y-1.5 border-t pt-3 text-xs" data-testid="kernel-rates">
          {rates.map((r) => (
            <div class="flex items-baseline justify-between gap-2">
              <dt class="text-muted">{r.label}</dt>
              <dd class="num font-medium text-fg">
                {formatCount(metric(props.r, r.key))}
                <span class="font-normal text-faint"> /s</span>
              </dd>
            </div>
          ))}
        </dl>
      </Show>
    </Card>
  );
}
