import type { Resource } from '@pulse/protocol';
import { For, Show } from 'solid-js';
import { sourcesOf } from './sources';

/** "Local + Agent": every source that reports a resource, its owner first, agents in the accent. */
export function SourceList(props: { r: Resource; testId?: string }) {
  return (
    <span data-testid={props.testId}>
      <For each={sourcesOf(props.r)}>
        {(s, i) => (
          <>
            <Show when={i() > 0}> + </Show>
            <span classList={{ 'text-accent': s.kind === 'agent' }} title={i() === 0 ? s.title : `Also: ${s.title}`}>
              {s.label}
            </span>
          </>
        )}
      </For>
    </span>
  );
}
