import { AGENT_LIMITS } from '@pulse/protocol';
import type { AgentReportAnswer } from '@pulse/protocol';
import type { Backoff } from './backoff.js';
import { createDockerWatch } from './docker-watch.js';
import type { DockerSource, DockerWatch } from './docker-watch.js';
import type { AgentLogger } from './logger.js';
import type { ReportBuffer } from './report-buffer.js';
import { createReportBuilder } from './report-builder.js';
import type { HostReading } from './report-builder.js';
import { createReportEncoder } from './report-encoding.js';
import { createReportSender } from './report-sender.js';
import { createSamplingLoop } from './sampling-loop.js';
import type { ServerClient } from './server-client.js';
import type { Timers } from './timers.js';

export interface AgentParts {
  /** the first interval, until the server says otherwise */
  intervalMs: number;
  version: string;
  runId: string;
  /** the agent's own token */
  token: string;
  host: { collect(at: number): HostReading };
  docker?: { source: DockerSource; intervalMs: number };
  buffer: ReportBuffer;
  client: ServerClient;
  backoff: Backoff;
  timers: Timers;
  logger: AgentLogger;
}

export interface Refusal {
  status: number;
  message: string;
}

export interface RunningAgent {
  /** Settles if the server refuses the agent's token: sampling has stopped by then. */
  readonly refused: Promise<Refusal>;
  /** Stops sampling, tries for up to drainMs to send what waits, spools the rest. */
  stop(drainMs: number): Promise<void>;
  readonly intervalMs: number;
}

/** How long the first report waits for the first Docker reading, so it does not go out without containers. */
const FIRST_DOCKER_WAIT_MS = 3000;

/**
 * The running agent: sample the host every interval (with the newest Docker reading), encode,
 * buffer, send. A failing collector costs one report or one Docker reading, never the loop.
 */
export async function startAgent(parts: AgentParts): Promise<RunningAgent> {
  const { logger, timers, buffer } = parts;
  const builder = createReportBuilder({ version: parts.version, runId: parts.runId });
  const encodeReport = createReportEncoder();
  let hostFailing = false;
  let stopped = false;
  let onRefused!: (refusal: Refusal) => void;
  const refused = new Promise<Refusal>((resolve) => {
    onRefused = resolve;
  });

  function sample(at: number): void {
    try {
      let host: HostReading;
      try {
        host = parts.host.collect(at);
        if (hostFailing) logger.info({}, 'host: reading /proc again');
        hostFailing = false;
      } catch (err) {
        if (!hostFailing) logger.warn({ err }, 'host: cannot read this machine; skipping reports until it can');
        hostFailing = true;
        return;
      }
      const encoded = encodeReport(builder.build(at, loop.intervalMs, host, docker?.latest));
      if (encoded.gz.length > AGENT_LIMITS.compressedBytes || encoded.rawBytes > AGENT_LIMITS.decompressedBytes) {
        logger.error({ gzBytes: encoded.gz.length, rawBytes: encoded.rawBytes, limits: AGENT_LIMITS }, 'a report is larger than the server accepts; dropped it');
        return;
      }
      buffer.push(encoded);
      sender.kick();
    } catch (err) {
      logger.error({ err }, 'sampling failed; trying again next interval');
    }
  }

  function onAnswer(answer: AgentReportAnswer): void {
    if (answer.rejected > 0) logger.warn({ rejected: answer.rejected, problems: answer.problems }, 'the server rejected some reports for good (check this machine\'s clock)');
    const ms = Math.min(3_600_000, Math.max(250, answer.intervalMs));
    if (ms === loop.intervalMs) return;
    logger.info({ fromMs: loop.intervalMs, toMs: ms }, 'the server set a new reporting interval');
    loop.setInterval(ms);
  }

  const loop = createSamplingLoop({ intervalMs: parts.intervalMs, timers, sample });
  const sender = createReportSender({
    buffer, client: parts.client, token: parts.token, backoff: parts.backoff, timers, logger, onAnswer,
    onRefused(status, message) {
      logger.error({ status, message }, 'the server refused this agent\'s token (revoked or unknown): reporting stopped. Enrol again with: pulse-agent enrol --server URL --token INSTALL_TOKEN');
      void halt().then(() => onRefused({ status, message }));
    },
  });
  const docker: DockerWatch | undefined = parts.docker && createDockerWatch({
    source: parts.docker.source, intervalMs: parts.docker.intervalMs, timers, logger,
    onChange: () => loop.soon(),
  });

  async function halt(): Promise<void> {
    if (stopped) return;
    stopped = true;
    loop.stop();
    await docker?.stop().catch((err: unknown) => logger.warn({ err }, 'docker: closing failed'));
  }

  if (docker) {
    const firstReading = docker.start();
    await new Promise<void>((resolve) => {
      const cancel = timers.after(FIRST_DOCKER_WAIT_MS, resolve);
      void firstReading.finally(() => {
        cancel();
        resolve();
      });
    });
  }
  loop.start();

  return {
    refused,
    async stop(drainMs) {
      await halt();
      await sender.drain(drainMs);
      sender.stop();
      // Whatever did not make it goes to the spool, so the next start sends it.
      if (buffer.length > 0) buffer.persist();
      parts.client.close();
    },
    get intervalMs() {
      return loop.intervalMs;
    },
  };
}
