/**
 * A browser request is same-origin when its Origin's host equals the Host it was sent to.
 * Programs that send no Origin are judged by their token alone.
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  return allowed.some((a) => new URL(a).origin === parsed.origin);
}
