import { hash } from './random.mjs';
import { ApiError, intParam, route } from './routes.mjs';

/*
 * PMG answers (pmgproxy, :8006). Mail arrives at a steady seeded rate, so /statistics/mail for any
 * starttime/endtime window is rate × length. The postfix queue endpoint is only an index of the four
 * queue names (as in PMG's Postfix.pm); counts come from queue/{queue} (`total`) and qshape.
 */

/** @param {{ seed: number, nodes: string[], nowSec: () => number }} m */
export function pmgRoutes(m) {
  const perHour = { count_in: 180 + (hash(m.seed, 'pmg:in') % 100), count_out: 25, spam: 0.09, virus: 0.001, bounces: 0.002 };
  const deferred = (/** @type {number} */ t) => [
    { queue_id: '4bT2Zk1Qx9z3', arrival_time: t - 7200, message_size: 18231, sender: 'noreply@example.org', receiver: 'alice@example.net', reason: 'connect to mx.example.net[203.0.113.25]:25: Connection timed out' },
    { queue_id: '4bT3Cm0Jf2z7', arrival_time: t - 1800, message_size: 4412, sender: 'billing@example.org', receiver: 'bob@example.com', reason: '451 4.7.1 Greylisted, please try again later' },
  ];
  const mustNode = (/** @type {string} */ n) => { if (!m.nodes.includes(n)) throw new ApiError(500, `hostname lookup '${n}' failed - failed to get address info for: ${n}: Name or service not known`); return n; };
  return [
    route('/version', () => ({ version: '8.2.1', release: '8.2', repoid: '7e4b9f1c' })),
    route('/nodes', () => m.nodes.map((node) => ({ node }))),
    route('/nodes/{node}/status', ({ params }) => {
      mustNode(params.node);
      const t = m.nowSec();
      return {
        cpu: 0.03 + (t % 97) / 2000, wait: 0.002, loadavg: ['0.21', '0.18', '0.15'], uptime: 2593123 + (t % 1e6), time: t, insync: 1,
        memory: { total: 4107628544, used: 2718396416, free: 1389232128 }, swap: { total: 1073737728, used: 0, free: 1073737728 },
        rootfs: { total: 33501757440, used: 8490012672, free: 25011744768, avail: 23617859584 },
        cpuinfo: { model: 'QEMU Virtual CPU version 2.5+', cpus: 2, sockets: 1, mhz: '2399.998', hvm: '1', user_hz: 100 },
        kversion: 'Linux 6.8.12-11-pve #1 SMP PREEMPT_DYNAMIC PMX', pmgversion: 'pmg-api/8.2.1/7e4b9f1c',
      };
    }),
    route('/statistics/mail', ({ query }) => {
      const t = m.nowSec();
      const end = intParam(query, 'endtime', t) ?? t;
      const start = intParam(query, 'starttime', Math.floor(t / 86400) * 86400) ?? 0;
      if (end < start) throw new ApiError(400, 'Parameter verification failed.', { endtime: 'endtime is before starttime' });
      const hours = (Math.min(end, t) - start) / 3600;
      const count_in = Math.max(0, Math.round(perHour.count_in * hours));
      const count_out = Math.max(0, Math.round(perHour.count_out * hours));
      return {
        count: count_in + count_out, count_in, count_out, spamcount_in: Math.round(count_in * perHour.spam), spamcount_out: 0,
        viruscount_in: Math.round(count_in * perHour.virus), viruscount_out: 0, bounces_in: Math.round(count_in * perHour.bounces), bounces_out: 0,
        bytes_in: count_in * 41000, bytes_out: count_out * 23000, glcount: Math.round(count_in * 0.05), junk_in: Math.round(count_in * 0.4), junk_out: 0,
        spfcount: Math.round(count_in * 0.01), rbl_rejects: Math.round(count_in * 0.3), pregreet_rejects: Math.round(count_in * 0.02), avptime: 1.435,
      };
    }),
    route('/quarantine/spamstatus', () => ({ count: 1873, avgbytes: 28411.2, avgspam: 7.81, mbytes: 50.74 })),
    route('/quarantine/virusstatus', () => ({ count: 4, avgbytes: 112834.5, mbytes: 0.43 })),
    route('/nodes/{node}/postfix/queue', ({ params }) => { mustNode(params.node); return ['deferred', 'active', 'incoming', 'hold'].map((name) => ({ name })); }),
    route('/nodes/{node}/postfix/queue/{queue}', ({ params }) => {
      mustNode(params.node);
      if (!['deferred', 'active', 'incoming', 'hold'].includes(params.queue)) throw new ApiError(400, 'Parameter verification failed.', { queue: `value '${params.queue}' does not have a value in the enumeration 'deferred, active, incoming, hold'` });
      const rows = params.queue === 'deferred' ? deferred(m.nowSec()) : [];
      return Object.assign(rows, { [TOTAL]: rows.length });
    }),
    route('/nodes/{node}/postfix/qshape', ({ params }) => {
      mustNode(params.node);
      const bucket = { 0: 0, 5: 0, 10: 0, 20: 0, 40: 0, 80: 0, 160: 0, 320: 0, 640: 0, 1280: 0, '1280+': 0 };
      return [{ domain: 'TOTAL', total: 2, ...bucket, 40: 1, 160: 1 }, { domain: 'example.net', total: 1, ...bucket, 160: 1 }, { domain: 'example.com', total: 1, ...bucket, 40: 1 }];
    }),
    route('/config/cluster/status', () => m.nodes.map((name, i) => ({ cid: i + 1, name, ip: `10.0.0.${30 + i}`, type: i === 0 ? 'master' : 'node', fingerprint: 'AA:BB' }))),
  ];
}

/** Marks an answer whose `total` goes beside `data` (PMG sets it as a result attribute). */
export const TOTAL = Symbol('total');
