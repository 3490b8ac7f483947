import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { codecForSubprotocol, SUBPROTOCOLS, type Codec } from '@pulse/protocol';

/** The first subprotocol the client offers that we speak; the client's order is its preference. */
export function negotiateCodec(offered: Iterable<string>): Codec | undefined {
  for (const name of offered) {
    const codec = codecForSubprotocol(name);
    if (codec) return codec;
  }
  return undefined;
}

export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((name) => name.trim()).filter(Boolean);
}

export const unsupportedSubprotocolMessage =
  `Unsupported or missing WebSocket subprotocol; offer one of ${SUBPROTOCOLS.join(', ')} in Sec-WebSocket-Protocol.`;

/**
 * Answers an upgrade we will not complete with a plain HTTP response. Accepting without a
 * subprotocol would leave the client guessing the wire format, so we refuse explicitly.
 */
export function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  // A peer that resets mid-answer must not surface as an unhandled 'error' event.
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${body}`);
}
