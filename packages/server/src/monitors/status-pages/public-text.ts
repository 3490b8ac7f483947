/*
 * Check messages are written for the people who run the monitors: they name URLs, hosts, addresses
 * and ports ("connect ECONNREFUSED 10.0.0.7:5432"). A public page shows the gist only, so anything
 * that locates a machine is cut out before it leaves the server.
 */

const MAX_REASON = 160;
const HIDDEN = '…';

const PATTERNS: readonly RegExp[] = [
  // scheme://anything up to whitespace or a closing quote/bracket
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)\]]+/gi,
  // IPv6, bracketed or bare (at least two groups and a double colon or 7 colons), with an optional port
  /\[[0-9a-f:.]+\](:\d+)?/gi,
  /\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%\w+)?\b/gi,
  // IPv4 with an optional port
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g,
  // host names: two or more labels ending in a label of letters (api.internal.lan, db-1.example.com:5432)
  /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](?::\d+)?\b/gi,
  // a bare port left after the rest ("port 5432" stays readable; ":5432" is dropped)
  /:\d{2,5}\b/g,
];

/**
 * The reason a monitor was down, fit for a public page: no URLs, addresses or host names (also none of
 * `secrets`, e.g. the monitor's own target in whatever form), one line, at most 160 characters.
 */
export function publicReason(message: string, secrets: readonly string[] = []): string {
  let text = message.replace(/\s+/g, ' ');
  for (const secret of secrets) {
    if (secret.length >= 3) text = text.split(secret).join(HIDDEN);
  }
  for (const pattern of PATTERNS) text = text.replace(pattern, HIDDEN);
  text = text.replace(/…(\s*…)+/g, HIDDEN).trim();
  const chars = [...text];
  return chars.length > MAX_REASON ? `${chars.slice(0, MAX_REASON - 1).join('')}…` : text;
}
