export function Spinner(props: { size?: number; class?: string }) {
  const s = () => props.size ?? 16;
  return (
    <svg class={`animate-spin ${props.class ?? ''}`} width={s()} height={s()} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle cx="12" cy="12" r="9" stroke="currentColor" stroke-opacity="0.2" stroke-width="3" />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" stroke-width="3" stroke-linecap="round" />
    </svg>
  );
}
