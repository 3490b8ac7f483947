import { ClientFrame, clientFrameTypes, ErrorCodes, type Codec } from '@pulse/protocol';

export interface InboundError {
  code: string;
  message: string;
  /** the request id, when the frame was readable enough to carry one, so the client can correlate */
  id?: number;
}

export type InboundResult = { ok: true; frame: ClientFrame } | { ok: false; error: InboundError };

const knownTypes: ReadonlySet<string> = new Set(clientFrameTypes);

/**
 * Turns one WebSocket message into a validated client frame, or says precisely what is wrong with
 * it. This is the trust boundary: nothing past it sees an unchecked frame.
 */
export function readClientFrame(data: Buffer, isBinary: boolean, codec: Codec): InboundResult {
  if (isBinary !== codec.binary) {
    const expected = codec.binary ? 'binary' : 'text';
    return malformed(`This connection speaks ${codec.subprotocol}; send ${expected} frames.`);
  }
  let decoded: unknown;
  try {
    decoded = codec.decode(data);
  } catch {
    return malformed(`The frame is not valid ${codec.name === 'json' ? 'JSON' : 'MessagePack'}.`);
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    return malformed('A frame must be an object with a "type" field.');
  }
  const raw = decoded as Record<string, unknown>;
  const id = isRequestId(raw.id) ? raw.id : undefined;
  if (typeof raw.type !== 'string') return malformed('A frame must be an object with a "type" field.', id);
  if (!knownTypes.has(raw.type)) {
    return {
      ok: false,
      error: { code: ErrorCodes.unknownType, message: `Unknown frame type '${raw.type}'; expected one of ${clientFrameTypes.join(', ')}.`, id },
    };
  }
  const parsed = ClientFrame.safeParse(raw);
  if (!parsed.success) {
    const badName = parsed.error.issues.length === 1 && parsed.error.issues[0]!.path.join('.') === 'channel' && typeof raw.channel === 'string';
    if (badName) {
      return { ok: false, error: { code: ErrorCodes.invalidChannel, message: 'A channel name is 1-255 characters from A-Z a-z 0-9 _ . : @ = / -.', id } };
    }
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(frame)'}: ${issue.message}`).join('; ');
    return malformed(`Invalid '${raw.type}' frame: ${issues}.`, id);
  }
  return { ok: true, frame: parsed.data };
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function malformed(message: string, id?: number): InboundResult {
  return { ok: false, error: { code: ErrorCodes.badFrame, message, id } };
}
