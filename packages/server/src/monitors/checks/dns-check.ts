import { promises as dnsPromises } from 'node:dns';
import type { CheckOptions, CheckOutcome, MonitorOf } from './check-options.js';
import { CheckFailure, elapsedUs } from './check-failure.js';
import { abortable, startDeadline } from './deadline.js';

type DnsMonitor = MonitorOf<'dns'>;
type Resolver = dnsPromises.Resolver;

/** Each record type's answers as one line of text each, the form `expected` is compared against. */
const queries: Record<DnsMonitor['recordType'], (resolver: Resolver, name: string) => Promise<string[]>> = {
  A: (r, n) => r.resolve4(n),
  AAAA: (r, n) => r.resolve6(n),
  CNAME: (r, n) => r.resolveCname(n),
  NS: (r, n) => r.resolveNs(n),
  PTR: (r, n) => r.resolvePtr(n),
  MX: async (r, n) => (await r.resolveMx(n)).map((mx) => `${mx.priority} ${mx.exchange}`),
  TXT: async (r, n) => (await r.resolveTxt(n)).map((chunks) => chunks.join('')),
  SRV: async (r, n) => (await r.resolveSrv(n)).map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${srv.name}`),
  SOA: async (r, n) => {
    const soa = await r.resolveSoa(n);
    return [`${soa.nsname} ${soa.hostmaster} ${soa.serial} ${soa.refresh} ${soa.retry} ${soa.expire} ${soa.minttl}`];
  },
  CAA: async (r, n) =>
    (await r.resolveCaa(n)).map((caa) => {
      const [tag, value] = Object.entries(caa).find(([key]) => key !== 'critical') ?? ['issue', ''];
      return `${caa.critical} ${tag} "${String(value)}"`;
    }),
};

/** `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353` as `setServers` wants them (bare v6 only without a port). */
const resolverServer = (value: string) => (/^\[[^\]]+\]$/.test(value) ? value.slice(1, -1) : value);

const normalise = (text: string) => text.trim().toLowerCase().replace(/\.$/, '');

/**
 * An expected value matches an answer that equals it, or one of the answer's words, so `mail.x.org`
 * matches the MX answer `10 mail.x.org` (case and a trailing dot ignored).
 */
const matches = (answer: string, expected: string) => {
  const want = normalise(expected);
  return normalise(answer) === want || answer.split(/\s+/).some((word) => normalise(word.replace(/^"|"$/g, '')) === want);
};

/**
 * A DNS check with its own `Resolver` (the system's servers unless `resolver` is set), one try
 * bounded by the check's timeout so a dead resolver answers `dns.timeout` in time.
 */
export async function runDnsCheck(monitor: DnsMonitor, options: CheckOptions): Promise<CheckOutcome> {
  const deadline = startDeadline(options.timeoutMs, options.signal);
  const start = process.hrtime.bigint();
  const resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs, tries: 1 });
  if (monitor.resolver) resolver.setServers([resolverServer(monitor.resolver)]);
  const facts: Record<string, unknown> = { recordType: monitor.recordType, resolver: monitor.resolver ?? resolver.getServers()[0] ?? 'system' };
  let failure: CheckFailure | undefined;
  try {
    const answers = await abortable(queries[monitor.recordType](resolver, monitor.hostname), deadline.signal, () => resolver.cancel());
    facts.answers = answers;
    const missing = monitor.expected.filter((want) => !answers.some((answer) => matches(answer, want)));
    if (missing.length > 0) {
      failure = new CheckFailure('dns.unexpected', `${monitor.hostname} ${monitor.recordType} answered ${answers.join(', ') || 'nothing'}; missing ${missing.join(', ')}`, 'assert');
    }
  } catch (error) {
    failure = dnsFailure(error, monitor, deadline.isTimedOut(), deadline.signal.aborted);
  } finally {
    deadline.dispose();
  }
  const totalUs = elapsedUs(start);
  return {
    status: failure ? 'down' : 'up',
    ...(failure ? { reason: failure.reason } : {}),
    timings: { dnsUs: totalUs, totalUs },
    facts,
  };
}

function dnsFailure(error: unknown, monitor: DnsMonitor, timedOut: boolean, cancelled: boolean): CheckFailure {
  const name = `${monitor.hostname} (${monitor.recordType})`;
  if (timedOut) return new CheckFailure('dns.timeout', `no answer for ${name} within the timeout`, 'dns');
  if (cancelled) return new CheckFailure('check.cancelled', 'the check was cancelled before it finished (the worker is stopping)', 'dns');
  const code = (error as { code?: string }).code ?? '';
  switch (code) {
    case 'ENOTFOUND':
      return new CheckFailure('dns.not_found', `${monitor.hostname} does not exist (NXDOMAIN)`, 'dns');
    case 'ENODATA':
      return new CheckFailure('dns.not_found', `${monitor.hostname} exists but has no ${monitor.recordType} records`, 'dns');
    case 'ETIMEOUT':
    case 'ECANCELLED':
    case 'ECONNREFUSED':
      return new CheckFailure('dns.timeout', `the resolver ${monitor.resolver ?? '(system)'} did not answer for ${name} (${code})`, 'dns');
    default:
      // SERVFAIL, REFUSED, malformed answers: the resolver answered but not with records
      return new CheckFailure('dns.failed', `the resolver failed for ${name}: ${code || (error as Error).message}`, 'dns');
  }
}
