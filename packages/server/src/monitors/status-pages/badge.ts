import type { MonitorState } from '@pulse/protocol';

/*
 * Shields.io-style "flat" badges (label on grey, value on a colour) drawn here rather than fetched:
 * a public badge must not make the server call out, and the SVG is a few hundred bytes.
 */

export const BADGE_COLOURS = {
  green: '#4c1', lightGreen: '#97ca00', yellow: '#dfb317', orange: '#fe7d37', red: '#e05d44', blue: '#007ec6', grey: '#9f9f9f',
} as const;

const STATE_COLOUR: Record<MonitorState, string> = {
  up: BADGE_COLOURS.green, down: BADGE_COLOURS.red, pending: BADGE_COLOURS.yellow,
  maintenance: BADGE_COLOURS.blue, paused: BADGE_COLOURS.grey, unknown: BADGE_COLOURS.grey,
};

export const stateColour = (state: MonitorState): string => STATE_COLOUR[state];

/** The thresholds shields.io uses for uptime badges, so ours read the same beside them. */
export function uptimeColour(percent: number | null): string {
  if (percent === null) return BADGE_COLOURS.grey;
  if (percent >= 99.9) return BADGE_COLOURS.green;
  if (percent >= 99) return BADGE_COLOURS.lightGreen;
  if (percent >= 95) return BADGE_COLOURS.yellow;
  if (percent >= 90) return BADGE_COLOURS.orange;
  return BADGE_COLOURS.red;
}

export function responseColour(ms: number | null): string {
  if (ms === null) return BADGE_COLOURS.grey;
  if (ms < 300) return BADGE_COLOURS.green;
  if (ms < 1000) return BADGE_COLOURS.yellow;
  return BADGE_COLOURS.orange;
}

/** "99.95%", "100%", never "99.999999%" and never rounded up to 100 while something failed. */
export function formatPercent(percent: number | null): string {
  if (percent === null) return 'no data';
  if (percent >= 100) return '100%';
  const floored = Math.floor(percent * 100) / 100;
  return `${floored.toFixed(2).replace(/\.?0+$/, '')}%`;
}

export const formatMs = (ms: number | null): string => (ms === null ? 'no data' : `${Math.round(ms)} ms`);

// Approximate advance widths of Verdana 11 px (the badge font), by character class. Close enough that
// text neither overflows nor floats; the exact metrics would need the font file.
const NARROW = new Set("fijlrtI!'()*,-./:;[]`{|} ");
const WIDE = new Set('mwMW@%');

export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) width += 4.2;
    else if (WIDE.has(ch)) width += 10.5;
    else if (ch >= '0' && ch <= '9') width += 7;
    else if (ch >= 'a' && ch <= 'z') width += 6.6;
    else width += 7.6;
  }
  return Math.round(width);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);

const MAX_LABEL = 40;
/** Control characters are invalid in XML 1.0 even when escaped; long names are cut, not squeezed. */
function clean(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return [...plain].length > MAX_LABEL ? `${[...plain].slice(0, MAX_LABEL - 1).join('')}…` : plain;
}

const PADDING = 10;

export function renderBadge(label: string, value: string, colour: string): string {
  const l = clean(label) || 'status';
  const v = clean(value);
  const lw = textWidth(l) + PADDING;
  const vw = textWidth(v) + PADDING;
  const w = lw + vw;
  const [el, ev] = [escapeXml(l), escapeXml(v)];
  // Text is drawn at 10x and scaled down, as shields.io does, so half-pixel centres stay sharp.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${el}: ${ev}">`
    + `<title>${el}: ${ev}</title>`
    + '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
    + `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`
    + `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${colour}"/><rect width="${w}" height="20" fill="url(#s)"/></g>`
    + '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">'
    + text(lw * 5, l, el) + text(lw * 10 + vw * 5, v, ev)
    + '</g></svg>';
}

function text(x: number, raw: string, escaped: string): string {
  const length = textWidth(raw) * 10;
  return `<text aria-hidden="true" x="${x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length}">${escaped}</text>`
    + `<text x="${x}" y="140" transform="scale(.1)" fill="#fff" textLength="${length}">${escaped}</text>`;
}
