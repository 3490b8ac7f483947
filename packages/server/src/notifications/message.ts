import type { Notification } from '@pulse/protocol';

/*
 * How a notification reads, shared by every channel: one headline, one line per alert, the held
 * dependants, the link. Channels differ only in markup and in the colour they show.
 */

export type Tone = 'critical' | 'warning' | 'info' | 'resolved' | 'test';

export const toneOf = (n: Notification): Tone => n.kind === 'resolved' ? 'resolved' : n.kind === 'test' ? 'test' : n.severity;

/** Hex colours per tone: red, amber, blue, green, violet. */
export const toneColour: Record<Tone, string> = {
  critical: '#d92d20', warning: '#f79009', info: '#2e90fa', resolved: '#12b76a', test: '#7a5af8',
};
export const colourNumber = (tone: Tone) => Number.parseInt(toneColour[tone].slice(1), 16);

const label: Record<Notification['kind'], string> = {
  firing: 'FIRING', resolved: 'RESOLVED', reminder: 'STILL FIRING', escalation: 'ESCALATED', test: 'TEST',
};

/** `[CRITICAL] CPU high on pve1` / `[RESOLVED] ...` */
export function headline(n: Notification): string {
  const tag = n.kind === 'firing' ? n.severity.toUpperCase() : label[n.kind];
  return `[${tag}] ${n.title}`;
}

export interface AlertLine {
  resource: string;
  text: string;
}

export const alertLines = (n: Notification): AlertLine[] =>
  n.alerts.map((a) => ({ resource: a.resourceName, text: `${a.message} (${a.ruleName})` }));

/** "and 29 more held: ct101, ct102, ..." or undefined when nothing was held. */
export function suppressedLine(n: Notification, max = 10): string | undefined {
  if (!n.suppressed.length) return undefined;
  const names = n.suppressed.slice(0, max).map((s) => s.resourceName).join(', ');
  const rest = n.suppressed.length > max ? `, and ${n.suppressed.length - max} more` : '';
  return `${n.suppressed.length} dependent alert(s) held: ${names}${rest}`;
}

export const isoTime = (n: Notification) => new Date(n.at).toISOString();

/** Plain text: for email, ntfy, Gotify, Pushover, Matrix's `body`. */
export function plainText(n: Notification): string {
  const parts = [n.summary, '', ...alertLines(n).map((l) => `- ${l.resource}: ${l.text}`)];
  const held = suppressedLine(n);
  if (held) parts.push('', held);
  if (n.url) parts.push('', n.url);
  return parts.join('\n').trim();
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Simple HTML (email, Matrix's formatted_body): every value escaped, only our own tags. */
export function simpleHtml(n: Notification): string {
  const colour = toneColour[toneOf(n)];
  const items = alertLines(n).map((l) => `<li><strong>${escapeHtml(l.resource)}</strong>: ${escapeHtml(l.text)}</li>`).join('');
  const held = suppressedLine(n);
  return [
    `<h3 style="color:${colour}">${escapeHtml(headline(n))}</h3>`,
    `<p>${escapeHtml(n.summary)}</p>`,
    `<ul>${items}</ul>`,
    held ? `<p><em>${escapeHtml(held)}</em></p>` : '',
    n.url ? `<p><a href="${escapeHtml(n.url)}">Open in Pulse</a></p>` : '',
  ].join('');
}

/**
 * The alert group a notification is about. Ids are `<groupKey>:<kind>:<firstFiredAt>[:<n>]`
 * (alerts/CONTRACT.md), so the key is what precedes the last `:<kind>:`; a resolve then carries the
 * same key as its trigger, which PagerDuty's dedup_key and Opsgenie's alias need.
 */
export function groupKeyOf(n: Notification): string {
  const at = n.id.lastIndexOf(`:${n.kind}:`);
  return at > 0 ? n.id.slice(0, at) : n.alerts[0]?.id ?? n.id;
}

/** Cuts to `max` characters with an ellipsis: services refuse over-long fields instead of trimming them. */
export const clip = (text: string, max: number) => text.length > max ? `${text.slice(0, max - 1)}…` : text;
