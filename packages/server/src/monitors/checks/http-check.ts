import type { CheckOptions, CheckOutcome, MonitorOf } from './check-options.js';
import { CheckFailure, elapsedUs } from './check-failure.js';
import { type PhaseTrace, bareHost, connectPhase, resolvePhase, systemLookup } from './connection-phases.js';
import { type Deadline, failureFor, startDeadline } from './deadline.js';
import { decodeBody, isStatusAccepted, jsonFailure, keywordFailure } from './http-assertions.js';
import type { OpenConnection } from './http-agent-pool.js';
import { type HopConnection, type HopRequest, readBody, sendRequest } from './http-exchange.js';
import { type TlsFacts, tlsPhase } from './tls-handshake.js';

type HttpMonitor = MonitorOf<'http'>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP(S) check: phases per hop, redirects followed by hand (Node's http never follows), then
 * status, body bound, keyword and JSON assertions. The waterfall reported is the final hop's;
 * `timings.totalUs` is the whole check, and `facts.redirectUs` the part spent on earlier hops.
 */
export async function runHttpCheck(monitor: HttpMonitor, options: CheckOptions): Promise<CheckOutcome> {
  const now = options.now ?? Date.now;
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const start = process.hrtime.bigint();
  const facts: Record<string, unknown> = {};
  let trace: PhaseTrace = { phase: 'dns' };
  let tlsFacts: TlsFacts | undefined;
  let httpStatus: number | undefined;
  let reused: boolean | undefined;
  const outcome = (failure?: CheckFailure): CheckOutcome => {
    const timings: CheckOutcome['timings'] = { totalUs: elapsedUs(start) };
    for (const key of ['dnsUs', 'connectUs', 'tlsUs', 'ttfbUs', 'downloadUs'] as const) if (trace[key] !== undefined) timings[key] = trace[key];
    const warning = certificateWarning(tlsFacts, monitor);
    return {
      status: failure ? 'down' : 'up',
      ...(failure ? { reason: failure.reason } : {}),
      ...(warning && warning.code !== failure?.code ? { warning } : {}),
      timings,
      ...(reused !== undefined ? { reused } : {}),
      ...(trace.ip ? { ip: trace.ip } : {}),
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      ...(tlsFacts ? { tls: tlsFacts } : {}),
      facts,
    };
  };

  let hop: HopRequest = { url: new URL(monitor.url), method: monitor.method, headers: requestHeaders(monitor), body: monitor.body };
  let redirects = 0;
  try {
    for (;;) {
      const hopStart = process.hrtime.bigint();
      trace = { phase: 'dns' };
      tlsFacts = undefined;
      const via = connectionFor(hop.url, monitor, options, deadline, trace, (found) => { tlsFacts = found; });
      const head = await sendRequest(hop, via, trace, deadline.signal);
      reused = head.reused;
      if (head.connection?.tls) tlsFacts = head.connection.tls;
      httpStatus = head.res.statusCode ?? 0;
      const location = head.res.headers.location;
      if (monitor.followRedirects && REDIRECTS.has(httpStatus) && location) {
        head.req.destroy();
        if (redirects >= monitor.maxRedirects) {
          throw new CheckFailure('http.too_many_redirects', `more than ${monitor.maxRedirects} redirects (last to ${location})`, 'assert');
        }
        redirects += 1;
        hop = nextHop(hop, httpStatus, location);
        facts.redirects = redirects;
        facts.finalUrl = hop.url.href;
        continue;
      }
      if (redirects > 0) facts.redirectUs = elapsedUs(start, hopStart);
      facts.httpVersion = head.res.httpVersion;
      const needsBody = monitor.keyword !== undefined || monitor.jsonPath.length > 0;
      const body = await readBody(head, { keep: needsBody, maxBytes: monitor.maxBodyBytes }, trace, deadline.signal);
      facts.bodyBytes = body.bytes;
      if (body.truncated) facts.truncated = true;
      trace.phase = 'assert';
      if (!isStatusAccepted(httpStatus, monitor.acceptedStatus)) {
        throw new CheckFailure('http.status', `answered ${httpStatus} ${head.res.statusMessage ?? ''}`.trimEnd() + `; accepted: ${monitor.acceptedStatus.join(', ')}`, 'assert');
      }
      if (needsBody) await assertBody(monitor, body.raw ?? Buffer.alloc(0), body.truncated, head.res.headers['content-encoding']);
      return outcome();
    }
  } catch (error) {
    return outcome(failureFor(error, trace.phase, deadline, hop.url.host));
  } finally {
    deadline.dispose();
  }
}

async function assertBody(monitor: HttpMonitor, raw: Buffer, truncated: boolean, encoding: string | undefined): Promise<void> {
  const tooLarge = () => new CheckFailure('http.body_too_large', `the body is larger than ${monitor.maxBodyBytes} bytes, so the keyword/JSON assertions cannot see all of it: raise maxBodyBytes`, 'download');
  if (truncated) throw tooLarge();
  const decoded = await decodeBody(raw, encoding, monitor.maxBodyBytes, truncated);
  if (!decoded) throw tooLarge();
  const text = decoded.toString('utf8');
  const failure = (monitor.keyword && keywordFailure(text, monitor.keyword)) || jsonFailure(text, monitor.jsonPath);
  if (failure) throw failure;
}

/** DNS → connect → TLS for one hop; fresh per check unless the monitor keeps connections alive. */
function connectionFor(url: URL, monitor: HttpMonitor, options: CheckOptions, deadline: Deadline, trace: PhaseTrace, onTls: (facts: TlsFacts) => void): HopConnection {
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const host = bareHost(url.hostname);
  const open: OpenConnection = async () => {
    const ip = await resolvePhase(host, monitor.ipFamily ?? 0, options.lookup ?? systemLookup, trace, deadline.signal);
    const socket = await connectPhase(ip, port, trace, deadline.signal);
    if (!secure) return { socket, ip };
    const target = { host, verifyTls: monitor.verifyTls, now: options.now ?? Date.now, ...(options.ca ? { ca: options.ca } : {}) };
    const done = await tlsPhase(socket, target, trace, deadline.signal).catch((error: unknown) => {
      if (trace.tls) onTls(trace.tls);
      throw error;
    });
    onTls(done.facts);
    return { socket: done.socket, ip, tls: done.facts };
  };
  if (!monitor.keepAlive || !options.agentPool) return { kind: 'fresh', open };
  const agent = options.agentPool.agentFor(url, { verifyTls: monitor.verifyTls, ...(monitor.ipFamily ? { ipFamily: monitor.ipFamily } : {}) });
  return { kind: 'pooled', open, agent };
}

function requestHeaders(monitor: HttpMonitor): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'Pulse-Monitor/1', ...lowerKeys(monitor.headers) };
  if (monitor.auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${monitor.auth.username}:${monitor.auth.password}`).toString('base64')}`;
  if (monitor.auth?.kind === 'bearer') headers.authorization = `Bearer ${monitor.auth.token}`;
  return headers;
}

const lowerKeys = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

/** 303 (and 301/302 after a POST, as browsers do) become GET without a body; 307/308 resend as is. */
function nextHop(hop: HopRequest, status: number, location: string): HopRequest {
  const url = new URL(location, hop.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckFailure('http.status', `redirected to ${url.protocol} URL ${url.href}, which an HTTP check cannot follow`, 'assert');
  }
  const asGet = status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  const headers = { ...hop.headers };
  // credentials are for the origin the user configured, never for wherever it redirects
  if (url.origin !== hop.url.origin) delete headers.authorization;
  if (asGet) {
    delete headers['content-type'];
    delete headers['content-length'];
  }
  return { url, method: asGet ? (hop.method === 'HEAD' ? 'HEAD' : 'GET') : hop.method, headers, body: asGet ? undefined : hop.body };
}

function certificateWarning(tls: TlsFacts | undefined, monitor: HttpMonitor): CheckOutcome['warning'] {
  const cert = tls?.certificate;
  if (!cert) return undefined;
  if (cert.daysLeft < 0) return { code: 'tls.expired', message: `the certificate expired ${-cert.daysLeft} day(s) ago (${new Date(cert.validTo).toISOString().slice(0, 10)}): renew it` };
  if (monitor.certExpiryDays > 0 && cert.daysLeft <= monitor.certExpiryDays) {
    return { code: 'tls.expires_soon', message: `the certificate expires in ${cert.daysLeft} day(s) (${new Date(cert.validTo).toISOString().slice(0, 10)}): renew it` };
  }
  return undefined;
}
