/** The Pulse mark (a heartbeat trace in a rounded square) and wordmark. */
export function Logo(props: { size?: number; wordmark?: boolean }) {
  const s = () => props.size ?? 24;
  return (
    <span class="inline-flex items-center gap-2.5" data-testid="logo">
      <svg width={s()} height={s()} viewBox="0 0 32 32" aria-hidden="true" class="shrink-0 text-accent">
        <rect width="32" height="32" rx="8" fill="currentColor" />
        <path
          d="M5 17h5l3-7 5 13 3-6h6"
          fill="none"
          class="stroke-accent-fg"
          stroke-width="2.6"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
      {props.wordmark !== false && <span class="text-[15px] font-semibold tracking-[-0.02em] text-fg">Pulse</span>}
    </span>
  );
}
