/** An on/off switch for a setting that takes effect at once (enable a rule, a channel). */
export function Toggle(props: { checked: boolean; onChange: (checked: boolean) => void; label: string; disabled?: boolean; testId?: string }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={props.checked}
      aria-label={props.label}
      title={props.label}
      disabled={props.disabled}
      class="relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed disabled:opacity-50"
      classList={{ 'bg-accent': props.checked, 'bg-surface-3 border': !props.checked }}
      onClick={() => props.onChange(!props.checked)}
      data-testid={props.testId}
    >
      <span class="inline-block size-4 rounded-full shadow-card transition-transform" classList={{ 'translate-x-[18px] bg-accent-fg': props.checked, 'translate-x-0.5 bg-surface': !props.checked }} />
    </button>
  );
}
