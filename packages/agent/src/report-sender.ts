import { AGENT_LIMITS, AgentReportAnswer } from '@pulse/protocol';
import type { Backoff } from './backoff.js';
import type { AgentLogger } from './logger.js';
import type { ReportBuffer } from './report-buffer.js';
import { batchOverhead, encodeBatch } from './report-encoding.js';
import type { SpooledReport } from './report-spool.js';
import { describeFailure, jsonOf, retryAfterMs } from './server-answer.js';
import type { ServerClient } from './server-client.js';
import type { Timers } from './timers.js';

export const REPORT_PATH = '/api/agents/report';

export interface ReportSenderOptions {
  buffer: ReportBuffer;
  client: ServerClient;
  /** the agent's own token */
  token: string;
  backoff: Backoff;
  timers: Timers;
  logger: AgentLogger;
  /** every accepted batch's answer, whose intervalMs the agent adopts */
  onAnswer(answer: AgentReportAnswer): void;
  /** 401/403: the token is revoked or unknown; the sender has stopped for good */
  onRefused(status: number, message: string): void;
}

export type SenderState = 'idle' | 'sending' | 'waiting' | 'refused' | 'stopped';

export interface ReportSender {
  /** Reports are waiting: send them now, unless a send runs already or a retry is scheduled. */
  kick(): void;
  /** Shutdown: one more try (even during backoff) to send what waits, for at most deadlineMs. */
  drain(deadlineMs: number): Promise<void>;
  stop(): void;
  readonly state: SenderState;
}

type Outcome = 'sent' | 'again' | 'retry' | 'refused';

// The server's limits, less a margin for headers of the batch itself.
const GZ_BUDGET = AGENT_LIMITS.compressedBytes - 1024;
const RAW_BUDGET = AGENT_LIMITS.decompressedBytes - 1024;

/**
 * Sends the buffer to the server, oldest first, one batch at a time. What each status means:
 * 2xx sent (adopt the interval); 413 too large (halve the batch; a single report that is still too
 * large is dropped); 400/422 malformed (dropped with a log line, never retried); 401/403 refused
 * (stop); anything else, and no answer at all, keeps the batch and retries after a backoff.
 */
export function createReportSender(options: ReportSenderOptions): ReportSender {
  const { buffer, client, backoff, timers, logger } = options;
  let state: SenderState = 'idle';
  let cancelRetry: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let maxReports: number = AGENT_LIMITS.reportsPerBatch;
  let outage: { since: number; reason: string } | undefined;

  async function send(batch: SpooledReport[]): Promise<Outcome> {
    let res;
    try {
      res = await client.request({
        method: 'POST', path: REPORT_PATH, token: options.token,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: encodeBatch(batch, timers.now()),
      });
    } catch (err) {
      return failed((err as Error).message);
    }
    if (res.status >= 200 && res.status < 300) {
      buffer.remove(batch.length);
      // Smaller batches after a 413 last until the backlog is sent, so one backlog costs one 413 or two.
      if (buffer.length === 0) maxReports = AGENT_LIMITS.reportsPerBatch;
      recovered(batch.length);
      const answer = AgentReportAnswer.safeParse(jsonOf(res));
      if (answer.success) options.onAnswer(answer.data);
      else logger.warn({ status: res.status }, 'the server accepted the reports but its answer is not an AgentReportAnswer; keeping the current interval');
      return 'sent';
    }
    const { code, message } = describeFailure(res);
    if (res.status === 413) {
      if (batch.length > 1) {
        maxReports = Math.ceil(batch.length / 2);
        logger.info({ reports: batch.length, next: maxReports }, 'the server refused a batch as too large; sending smaller ones');
        return 'again';
      }
      buffer.remove(1);
      logger.error({ code, message, gzBytes: batch[0]!.gz.length, rawBytes: batch[0]!.rawBytes }, 'the server refused a single report as too large; dropped it');
      return 'again';
    }
    if (res.status === 400 || res.status === 422) {
      buffer.remove(batch.length);
      logger.error({ status: res.status, code, message, reports: batch.length }, 'the server refused a batch as malformed; dropped it (this is a bug: please report it with this line)');
      return 'again';
    }
    if (res.status === 401 || res.status === 403) {
      state = 'refused';
      options.onRefused(res.status, message);
      return 'refused';
    }
    return failed(`HTTP ${res.status}${code ? ` ${code}` : ''}: ${message}`, retryAfterMs(res, timers.now()));
  }

  function failed(reason: string, retryAfter?: number): Outcome {
    if (!outage) {
      outage = { since: timers.now(), reason };
      logger.warn({ reason, buffered: buffer.length }, 'server unreachable; buffering reports and retrying with backoff');
    }
    // From now on what waits is on disk too (if there is a spool), so an agent restart keeps it.
    buffer.persist();
    const delay = Math.max(backoff.next(), retryAfter ?? 0);
    logger.debug({ reason, retryInMs: delay, attempt: backoff.attempts, buffered: buffer.length }, 'report send failed');
    cancelRetry = timers.after(delay, () => {
      cancelRetry = undefined;
      if (state === 'waiting') state = 'idle';
      kick();
    });
    return 'retry';
  }

  function recovered(sent: number): void {
    backoff.reset();
    if (!outage) return;
    logger.info({ downForMs: timers.now() - outage.since, sent, stillBuffered: buffer.length, droppedSinceStart: buffer.dropped }, 'server reachable again; sending the buffered reports');
    outage = undefined;
  }

  async function pump(): Promise<void> {
    state = 'sending';
    let outcome: Outcome = 'sent';
    while (state === 'sending' && buffer.length > 0) {
      const overhead = batchOverhead(maxReports);
      const batch = buffer.peek({ reports: maxReports, gzBytes: GZ_BUDGET - overhead.gzBytes, rawBytes: RAW_BUDGET - overhead.rawBytes });
      outcome = await send(batch);
      if (outcome === 'retry' || outcome === 'refused') break;
    }
    if (state === 'sending') state = outcome === 'retry' ? 'waiting' : 'idle';
  }

  function kick(): void {
    if (state !== 'idle' || buffer.length === 0) return;
    running = pump().finally(() => {
      running = undefined;
    });
  }

  return {
    kick,
    async drain(deadlineMs) {
      const deadline = timers.now() + deadlineMs;
      let cancelDeadline: (() => void) | undefined;
      const outOfTime = new Promise<void>((resolve) => {
        cancelDeadline = timers.after(deadlineMs, resolve);
      });
      try {
        if (running) await Promise.race([running, outOfTime]);
        if (state === 'waiting' && timers.now() < deadline) {
          cancelRetry?.();
          cancelRetry = undefined;
          state = 'idle';
          kick();
          if (running) await Promise.race([running, outOfTime]);
        }
      } finally {
        cancelDeadline?.();
      }
    },
    stop() {
      cancelRetry?.();
      cancelRetry = undefined;
      if (state !== 'refused') state = 'stopped';
    },
    get state() {
      return state;
    },
  };
}
