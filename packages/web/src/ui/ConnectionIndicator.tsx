import { toneFill, toneText, type Tone } from './tone';

export type LinkState = 'live' | 'connecting' | 'reconnecting' | 'offline';

const view: Record<LinkState, { label: string; tone: Tone; hint: string }> = {
  live: { label: 'Live', tone: 'ok', hint: 'Receiving live updates' },
  connecting: { label: 'Connecting…', tone: 'unknown', hint: 'Opening the live connection' },
  reconnecting: { label: 'Reconnecting…', tone: 'warn', hint: 'Connection lost; retrying on its own. Figures may be stale.' },
  offline: { label: 'Offline', tone: 'crit', hint: 'No live connection. Figures are stale.' },
};

export function ConnectionIndicator(props: { state: LinkState }) {
  const v = () => view[props.state];
  return (
    <div
      class="inline-flex h-7 items-center gap-2 rounded-full border bg-surface px-2.5 text-xs font-medium text-muted"
      title={v().hint}
      role="status"
      aria-live="polite"
      data-testid="connection-indicator"
      data-state={props.state}
    >
      <span class={`relative flex size-2 ${toneText[v().tone]}`}>
        <span
          class={`size-2 rounded-full ${toneFill[v().tone]}`}
          classList={{ 'animate-pulse-ring': props.state === 'live' || props.state === 'reconnecting' }}
        />
      </span>
      <span class={props.state === 'live' ? 'text-fg' : ''}>{v().label}</span>
    </div>
  );
}
