import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AgentError } from './errors.js';

const gunzipAsync = promisify(gunzip);

export interface BodyLimits {
  /** bytes on the wire, checked before anything is inflated */
  compressedBytes: number;
  /** bytes after inflating; inflating stops there, so a zip bomb costs at most this much memory */
  decompressedBytes: number;
}

const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

/** The raw bytes, refused as soon as they pass `limit`; the rest of the upload is drained unread. */
function collect(stream: Readable, limit: number, declared: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    function onData(chunk: Buffer | string) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) done(new AgentError('agent.report_too_large', `The report is over ${kib(limit)} as sent; send fewer reports per batch.`));
      else chunks.push(bytes);
    }
    function onEnd() {
      if (!Number.isNaN(declared) && declared !== size) {
        done(new AgentError('agent.report_malformed', `The body ended after ${size} of the ${declared} bytes Content-Length announced.`));
      } else done();
    }
    function onError(err: Error) {
      done(new AgentError('agent.report_malformed', `The body could not be read: ${err.message}.`));
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/**
 * Reads an agent report body: gzip or identity JSON, bounded before and while inflating. Returns the
 * parsed JSON for the route's schema to validate.
 */
export async function readReportBody(stream: Readable, headers: { 'content-encoding'?: string | undefined; 'content-length'?: string | undefined }, limits: BodyLimits): Promise<unknown> {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const gzipped = encoding === 'gzip' || encoding === 'x-gzip';
  if (!gzipped && encoding !== 'identity') {
    throw new AgentError('agent.report_encoding', `Content-Encoding "${encoding}" is not supported; send gzip or identity.`);
  }
  const declared = Number(headers['content-length'] ?? Number.NaN);
  if (declared > limits.compressedBytes) {
    throw new AgentError('agent.report_too_large', `The report is ${kib(declared)} as sent, over the ${kib(limits.compressedBytes)} limit; send fewer reports per batch.`);
  }
  const raw = await collect(stream, limits.compressedBytes, declared);
  let text: string;
  if (gzipped) {
    let inflated: Buffer;
    try {
      inflated = await gunzipAsync(raw, { maxOutputLength: limits.decompressedBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new AgentError('agent.report_too_large', `The report inflates to more than ${kib(limits.decompressedBytes)}; send fewer reports per batch.`);
      }
      throw new AgentError('agent.report_malformed', `The gzip body could not be inflated (${(err as Error).message}); it may be truncated.`);
    }
    text = inflated.toString('utf8');
  } else {
    text = raw.toString('utf8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AgentError('agent.report_malformed', `The report is not valid JSON: ${(err as Error).message}.`);
  }
}
