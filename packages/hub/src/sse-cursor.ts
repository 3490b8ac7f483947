import { CHANNEL_NAME_PATTERN, type StreamPosition } from '@pulse/protocol';

/** Browsers send Last-Event-ID back verbatim; anything longer than this is not one of ours. */
const MAX_CURSOR_LENGTH = 16_384;

/**
 * An SSE stream's `id:` field: the position of every channel of the stream, so the single
 * Last-Event-ID a browser sends back on reconnect is enough to resume all of them.
 * Format: base64url of the JSON object { "<channel>": ["<epoch>", <offset>] }.
 */
export function encodeCursor(positions: ReadonlyMap<string, StreamPosition>): string {
  const body: Record<string, [string, number]> = {};
  for (const [channel, { epoch, offset }] of positions) body[channel] = [epoch, offset];
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The positions a Last-Event-ID names; an unreadable one yields none (the stream starts fresh). */
export function decodeCursor(cursor: string | undefined): Map<string, StreamPosition> {
  const positions = new Map<string, StreamPosition>();
  if (!cursor || cursor.length > MAX_CURSOR_LENGTH) return positions;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return positions;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return positions;
  for (const [channel, value] of Object.entries(body)) {
    if (!CHANNEL_NAME_PATTERN.test(channel) || !Array.isArray(value) || value.length !== 2) continue;
    const [epoch, offset] = value as unknown[];
    if (typeof epoch !== 'string' || epoch.length === 0 || epoch.length > 64) continue;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) continue;
    positions.set(channel, { epoch, offset });
  }
  return positions;
}
