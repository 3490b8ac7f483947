import type { CheckOptions, CheckOutcome, MonitorOf } from './check-options.js';
import { elapsedUs } from './check-failure.js';
import { type PhaseTrace, bareHost, connectPhase, resolvePhase, systemLookup } from './connection-phases.js';
import { failureFor, startDeadline } from './deadline.js';

/**
 * A TCP port check: the same DNS and connect phases as HTTP, then the connection is closed. Up
 * means the kernel on the far side completed the handshake; nothing is sent.
 */
export async function runTcpCheck(monitor: MonitorOf<'tcp'>, options: CheckOptions): Promise<CheckOutcome> {
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const start = process.hrtime.bigint();
  const trace: PhaseTrace = { phase: 'dns' };
  const host = bareHost(monitor.host);
  let failure;
  try {
    const ip = await resolvePhase(host, 0, options.lookup ?? systemLookup, trace, deadline.signal);
    const socket = await connectPhase(ip, monitor.port, trace, deadline.signal);
    socket.destroy();
  } catch (error) {
    failure = failureFor(error, trace.phase, deadline, `${monitor.host}:${monitor.port}`);
  } finally {
    deadline.dispose();
  }
  const timings: CheckOutcome['timings'] = { totalUs: elapsedUs(start) };
  if (trace.dnsUs !== undefined) timings.dnsUs = trace.dnsUs;
  if (trace.connectUs !== undefined) timings.connectUs = trace.connectUs;
  return {
    status: failure ? 'down' : 'up',
    ...(failure ? { reason: failure.reason } : {}),
    timings,
    ...(trace.ip ? { ip: trace.ip } : {}),
    facts: { port: monitor.port },
  };
}
