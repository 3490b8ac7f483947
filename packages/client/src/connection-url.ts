/**
 * The URL with `token=<token>` added to its query, keeping the parameters already there. Browsers
 * cannot set headers on a WebSocket handshake, so the query is the one place a token can travel.
 */
export function withToken(url: string, token: string): string {
  const separator = !url.includes('?') ? '?' : url.endsWith('?') || url.endsWith('&') ? '' : '&';
  return `${url}${separator}token=${encodeURIComponent(token)}`;
}
