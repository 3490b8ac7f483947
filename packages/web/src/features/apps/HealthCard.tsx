import { For, Show } from 'solid-js';
import { Card } from '../../ui/Card';
import { ScoreRing } from '../../ui/ScoreRing';
import { StatusDot } from '../../ui/StatusBadge';
import { toneText } from '../../ui/tone';
import { explainHealth, formatPoints } from './app-model';
import type { ApmAppView } from './app-types';

const verdict = { ok: 'Healthy', warn: 'Degraded', crit: 'Unhealthy', unknown: 'Unknown', accent: '' } as const;

/** The score and what lowers it, worst first. */
export function HealthCard(props: { view: ApmAppView }) {
  const h = () => explainHealth(props.view);
  return (
    <Card title="Health score" hint="now" testId="app-health">
      <div class="flex items-center gap-4">
        <ScoreRing value={h().score} tone={h().tone} size={72} label="Health score" testId="app-health-score" />
        <div class="min-w-0">
          <div class={`text-[15px] font-semibold ${toneText[h().tone]}`}>{verdict[h().tone]}</div>
          <div class="mt-0.5 text-[13px] leading-snug text-muted" data-testid="app-health-summary">
            {h().summary}
          </div>
        </div>
      </div>
      <ul class="mt-4 divide-y border-t">
        <For each={h().factors}>
          {(f) => (
            <li class="py-2.5" data-testid="app-health-factor" data-key={f.key} data-tone={f.tone}>
              <div class="flex items-center gap-2 text-[13px]">
                <StatusDot tone={f.tone} />
                <span class="text-fg">{f.label}</span>
                <span class="num ml-auto truncate text-right text-xs text-muted">{f.value}</span>
                <span
                  class={`num w-10 shrink-0 text-right text-[13px] font-semibold ${f.points > 0 ? toneText[f.tone] : 'text-faint'}`}
                  title={`takes ${formatPoints(f.points)} of at most ${f.max} points`}
                  data-testid="app-health-points"
                >
                  {f.points > 0 ? `−${formatPoints(f.points)}` : '0'}
                </span>
              </div>
              <Show when={f.hint}>
                <div class="mt-0.5 pl-4 text-xs leading-snug text-faint">{f.hint}</div>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <p class="mt-2 text-[11.5px] leading-snug text-faint">100 less up to 40 points for lost instances, 30 for exceptions, 20 for slow requests and 10 for event-loop delay, over the last 5 minutes.</p>
    </Card>
  );
}
