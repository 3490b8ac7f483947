import { For, type JSX } from 'solid-js';

export interface Fact {
  label: string;
  value: JSX.Element;
  testId?: string;
}

/** Label–value rows inside a card, values right-aligned so figures line up. */
export function FactList(props: { facts: Fact[] }) {
  return (
    <dl class="divide-y text-[13px]">
      <For each={props.facts}>
        {(f) => (
          <div class="flex items-baseline justify-between gap-4 py-2 first:pt-0 last:pb-0">
            <dt class="text-muted">{f.label}</dt>
            <dd class="num text-right font-medium text-fg" data-testid={f.testId}>
              {f.value}
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}
