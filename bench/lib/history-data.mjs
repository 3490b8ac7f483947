// Deterministic, realistic-looking metric samples for bench/history.mjs: every process that replays the
// same (seed, resources, start) gets the same samples in the same order, so the Pulse store and the
// baseline table ingest identical data without holding it in memory.
//
// Each resource is a host reporting 10 metrics every 10 s at its own phase within the interval, with a
// few ms of timer jitter (and now and then a late tick, as a GC pause or a busy event loop gives).
// Values follow what collectors report:
//   cpu          % with 2 decimals, mean-reverting random walk with occasional spikes
//   cpu.iowait   % with 2 decimals, mostly near zero, often exactly 0
//   load1        2 decimals, the kernel's 1-minute exponential average of the run queue
//   mem.used     bytes, whole pages, slow random walk (unchanged on ~30 % of samples)
//   mem.percent  % with 1 decimal, derived from mem.used
//   disk.used    bytes, whole pages, grows now and then
//   net.rx       bytes/s from a counter delta over the elapsed time, rounded to whole bytes/s
//   net.tx       the same rate UNROUNDED (delta / jittered seconds: a full float64, as Pulse's own
//                local source reports rates and percentages) — the codec's worst case
//   uptime       seconds with 2 decimals (/proc/uptime), a counter
//   cores        constant
export const METRICS = ['cpu', 'cpu.iowait', 'load1', 'mem.used', 'mem.percent', 'disk.used', 'net.rx', 'net.tx', 'uptime', 'cores'];
export const STEP_MS = 10_000;
export const resourceId = (r) => `host:bench-${String(r).padStart(5, '0')}`;

const GIB = 2 ** 30;
const PAGE = 4096;
const r2 = (x) => Math.round(x * 100) / 100;
const r1 = (x) => Math.round(x * 10) / 10;
const clamp = (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x);

/** xorshift32 → [0, 1) */
function rng(seed) {
  let s = (seed >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * A fleet of `resources` hosts whose first tick falls in [start, start + 10 s). `next()` returns the
 * next tick due (in time order) as { resource, t, values } — the same object every call, so copy what
 * you keep — or undefined, consuming nothing, when that tick falls after `until`.
 */
export function createFleet({ resources, start, seed = 1, first = 0 }) {
  const rand = rng(seed * 2654435761 + first);
  const n = resources;
  const phase = new Float64Array(n);
  const tick = new Float64Array(n);
  const lastT = new Float64Array(n);
  const cpuBase = new Float64Array(n);
  const cpu = new Float64Array(n);
  const load = new Float64Array(n);
  const cores = new Float64Array(n);
  const memTotal = new Float64Array(n);
  const memUsed = new Float64Array(n);
  const diskUsed = new Float64Array(n);
  const rxRate = new Float64Array(n);
  const txRate = new Float64Array(n);
  const rxCounter = new Float64Array(n);
  const txCounter = new Float64Array(n);
  const boot = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    phase[i] = Math.floor(rand() * STEP_MS);
    cores[i] = [1, 2, 2, 4, 4, 8, 16][Math.floor(rand() * 7)];
    cpuBase[i] = 2 + rand() * rand() * 70;
    cpu[i] = cpuBase[i];
    load[i] = (cpuBase[i] / 100) * cores[i];
    memTotal[i] = [1, 2, 4, 8, 16, 32, 64][Math.floor(rand() * 7)] * GIB;
    memUsed[i] = Math.floor((memTotal[i] * (0.2 + rand() * 0.6)) / PAGE) * PAGE;
    diskUsed[i] = Math.floor((20 + rand() * 400) * GIB / PAGE) * PAGE;
    rxRate[i] = 1_000 + rand() * rand() * 5_000_000;
    txRate[i] = 500 + rand() * rand() * 2_000_000;
    rxCounter[i] = Math.floor(rand() * 1e12);
    txCounter[i] = Math.floor(rand() * 1e12);
    boot[i] = start - Math.floor(rand() * 90 * 86_400_000);
    lastT[i] = start - STEP_MS + phase[i];
  }
  // Ticks are due in phase order, so a sorted list of resources by phase walks them in time order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => phase[a] - phase[b] || a - b);
  const jitter = rng(seed * 40503 + first + 7);
  let pendingLate = -1;
  let at = 0;
  let round = 0;
  const values = new Float64Array(METRICS.length);
  const out = { resource: 0, t: 0, values };

  function sample(i, t) {
    const dt = (t - lastT[i]) / 1000;
    lastT[i] = t;
    // cpu: pulled back to its base, a random step, a spike on ~1 % of ticks
    let c = cpu[i] + (cpuBase[i] - cpu[i]) * 0.05 + (rand() - 0.5) * 6;
    if (rand() < 0.01) c += rand() * 60;
    c = clamp(c, 0, 100);
    cpu[i] = c;
    values[0] = r2(c);
    const w = rand();
    values[1] = w < 0.4 ? 0 : r2(w * w * w * 4);
    // load1: exp-decayed run queue, as the kernel computes it every 5 s (two steps per tick)
    const runnable = (c / 100) * cores[i] + (rand() < 0.2 ? rand() * 2 : 0);
    load[i] = load[i] * 0.7165 + runnable * (1 - 0.7165);
    values[2] = r2(load[i]);
    if (rand() < 0.7) memUsed[i] = Math.floor(clamp(memUsed[i] + Math.round((rand() - 0.5) * 2000) * PAGE, memTotal[i] * 0.05, memTotal[i] * 0.95) / PAGE) * PAGE;
    values[3] = memUsed[i];
    values[4] = r1((memUsed[i] / memTotal[i]) * 100);
    if (rand() < 0.1) diskUsed[i] += Math.floor(rand() * 5000) * PAGE;
    else if (rand() < 0.002) diskUsed[i] -= Math.floor(rand() * 50_000) * PAGE;
    values[5] = diskUsed[i];
    const prevRx = rxCounter[i];
    const prevTx = txCounter[i];
    rxCounter[i] += Math.floor(rxRate[i] * dt * (0.2 + rand() * 1.6));
    txCounter[i] += Math.floor(txRate[i] * dt * (0.2 + rand() * 1.6));
    values[6] = Math.round((rxCounter[i] - prevRx) / dt);
    values[7] = (txCounter[i] - prevTx) / dt;
    values[8] = r2((t - boot[i]) / 1000);
    values[9] = cores[i];
  }

  return {
    next(until) {
      const i = order[at];
      const due = start + round * STEP_MS + phase[i];
      // A few ms late, as timers are; ~0.5 % of ticks 10-200 ms late. Drawn once per tick (from its own
      // stream) so a tick that lands after `until` waits, unchanged, for the next call.
      if (pendingLate < 0) pendingLate = jitter() < 0.005 ? 10 + Math.floor(jitter() * 190) : Math.floor(jitter() * 7);
      const late = pendingLate;
      if (due + late > until) return undefined;
      pendingLate = -1;
      sample(i, due + late);
      out.resource = i + first;
      out.t = due + late;
      at++;
      if (at === n) { at = 0; round++; }
      return out;
    },
  };
}
