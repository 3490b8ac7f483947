import { type JSX, Match, Switch } from 'solid-js';
import { Banner } from './Banner';
import { Spinner } from './Spinner';

/**
 * The four states of a list loaded from the API, the same on every page: a spinner until the first
 * answer, the error in a banner, the page's own empty state, or the list itself.
 */
export function ListLoadState<T>(props: {
  items: readonly T[] | undefined;
  error: string | undefined;
  errorTitle: string;
  empty: JSX.Element;
  children: (items: readonly T[]) => JSX.Element;
}) {
  return (
    <Switch>
      <Match when={!props.items && !props.error}>
        <div class="flex h-32 items-center justify-center text-faint">
          <Spinner />
        </div>
      </Match>
      <Match when={props.error}>
        <div class="p-4">
          <Banner tone="crit" title={props.errorTitle}>
            {props.error}
          </Banner>
        </div>
      </Match>
      <Match when={props.items?.length === 0}>{props.empty}</Match>
      <Match when={props.items}>{(items) => props.children(items())}</Match>
    </Switch>
  );
}
