import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Connection } from './http1-connection.js';
import type { Http1Failure } from './http1-connection.js';

/*
 * A raw TCP peer that answers each request with scripted bytes, written in the pieces given, so the
 * framings real peers use (Go's chunking, proxies, HTTP/1.0) and awkward packet boundaries are
 * exercised byte for byte.
 */
type Script = (request: string, socket: net.Socket) => void;

let server: net.Server | undefined;
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts a peer; each complete request (head and any Content-Length body) goes to `script`. */
async function peer(script: Script): Promise<{ port: number; requests: string[] }> {
  const requests: string[] = [];
  server = net.createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.toString('latin1', 0, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        requests.push(request);
        script(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as AddressInfo).port, requests };
}

/** Writes the pieces one event-loop turn apart, so the client sees them as separate reads. */
function writeInPieces(socket: net.Socket, pieces: string[]): void {
  pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), i * 5));
}

function open(port: number, options: { maxBodyBytes?: number; overLimit?: 'fail' | 'truncate' } = {}): Http1Connection {
  return new Http1Connection({ socket: net.connect({ host: '127.0.0.1', port }), host: `127.0.0.1:${port}`, maxBodyBytes: options.maxBodyBytes ?? 1024, ...(options.overLimit ? { overLimit: options.overLimit } : {}) });
}

describe('HTTP/1.1 connection', () => {
  it('reads Content-Length answers and reuses the connection for the next request', async () => {
    const { port, requests } = await peer((_, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'));
    const conn = open(port);
    const first = await conn.request({ method: 'GET', path: '/a', headers: { Accept: 'application/json' } });
    const second = await conn.request({ method: 'POST', path: '/b?x=1', headers: { authorization: 'Bearer t' }, body: Buffer.from('hello') });
    expect(first).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(first.body.toString()).toBe('{"ok":true}');
    expect(second.body.toString()).toBe('{"ok":true}');
    expect(conn.answered).toBe(2);
    expect(sockets.size).toBe(1);
    expect(requests[0]).toBe(`GET /a HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: application/json\r\n\r\n`);
    expect(requests[1]).toBe(`POST /b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nauthorization: Bearer t\r\nContent-Length: 5\r\n\r\nhello`);
    conn.destroy();
  });

  it('decodes chunked answers split at every awkward place, with extensions and trailers', async () => {
    const { port } = await peer((_, socket) => writeInPieces(socket, [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n', '\r\n5;ext=1\r', '\nhel', 'lo\r\n', '6\r\n wor', 'ld\r\n0\r\nX-Trailer: 1\r\n', '\r\n',
    ]));
    const conn = open(port);
    const answer = await conn.request({ method: 'GET', path: '/' });
    expect(answer.body.toString()).toBe('hello world');
    // Still usable: the next answer starts cleanly.
    expect((await conn.request({ method: 'GET', path: '/' })).body.toString()).toBe('hello world');
    conn.destroy();
  });

  it('skips a 100 Continue, reads a body ended by the peer closing, and is spent afterwards', async () => {
    const { port } = await peer((_, socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n{"old":');
      setTimeout(() => socket.end('"peer"}'), 5);
    });
    const conn = open(port);
    expect((await conn.request({ method: 'GET', path: '/' })).body.toString()).toBe('{"old":"peer"}');
    expect(conn.isUsable).toBe(false);
  });

  it('honours Connection: close and answers without a body (204)', async () => {
    const { port } = await peer((_, socket) => socket.write('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
    const conn = open(port);
    const answer = await conn.request({ method: 'GET', path: '/' });
    expect(answer).toMatchObject({ status: 204 });
    expect(answer.body.length).toBe(0);
    expect(conn.isUsable).toBe(false);
  });

  it('fails an answer over the size limit, or keeps its first bytes when told to truncate', async () => {
    const { port } = await peer((_, socket) => socket.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'800\r\n'}${'x'.repeat(0x800)}\r\n0\r\n\r\n`));
    const err = await open(port, { maxBodyBytes: 1000 }).request({ method: 'GET', path: '/' }).catch((e: Http1Failure) => e);
    expect(err).toMatchObject({ tooLarge: true });
    const cut = await open(port, { maxBodyBytes: 1000, overLimit: 'truncate' }).request({ method: 'GET', path: '/' });
    expect(cut.body.length).toBe(1000);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const { port } = await peer((_, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n'));
    await expect(open(port).request({ method: 'GET', path: '/' })).rejects.toMatchObject({ tooLarge: true });
  });

  it('rejects with ECONNRESET when the peer drops the connection mid-answer, and says whether anything came', async () => {
    const { port } = await peer((_, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"half');
      setTimeout(() => socket.destroy(), 5);
    });
    const conn = open(port);
    await expect(conn.request({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(conn.hasResponded).toBe(true);
    expect(conn.isUsable).toBe(false);
  });

  it('rejects what is not HTTP and malformed chunk sizes', async () => {
    const { port } = await peer((request, socket) => socket.write(request.startsWith('GET /junk') ? 'SSH-2.0-OpenSSH\r\n\r\n' : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    await expect(open(port).request({ method: 'GET', path: '/junk' })).rejects.toMatchObject({ message: expect.stringContaining('not HTTP') });
    await expect(open(port).request({ method: 'GET', path: '/chunks' })).rejects.toMatchObject({ message: expect.stringContaining('malformed chunked') });
  });

  it('refuses paths and headers that would break the request', async () => {
    const { port, requests } = await peer(() => undefined);
    const conn = open(port);
    await expect(conn.request({ method: 'GET', path: '/a b' })).rejects.toBeInstanceOf(TypeError);
    await expect(conn.request({ method: 'GET', path: '/', headers: { 'x-evil': 'a\r\nInjected: 1' } })).rejects.toBeInstanceOf(TypeError);
    expect(requests).toEqual([]);
    conn.destroy();
  });
});
