/**
 * What the target's arrival times say about the schedule (bench/uptime.mjs): jitter between a
 * monitor's consecutive checks, checks missed against the monitor's slots, and how long after its
 * slot each check reached the target.
 */

/** Nearest-rank percentiles of an array of numbers (sorted in place). */
export function percentiles(values, qs = [0.5, 0.9, 0.99]) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const out = { n };
  for (const q of qs) out[`p${Math.round(q * 100)}`] = n ? sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] : NaN;
  out.max = n ? sorted[n - 1] : NaN;
  out.mean = n ? sorted.reduce((a, b) => a + b, 0) / n : NaN;
  return out;
}

/**
 * `dump` is the target's (arrivals per monitor number in µs of its clock, marks, clockOffsetMs);
 * `monitors` are { n, id, intervalMs, phaseMs } (phaseMs: the scheduler's offset on the epoch grid,
 * slots.ts `phaseOf`); the window is the target's marks `start` and `end`.
 */
export function analyseArrivals(dump, monitors, { startMark = 'start', endMark = 'end' } = {}) {
  const t0 = dump.marks[startMark];
  const t1 = dump.marks[endMark];
  const windowMs = (t1 - t0) / 1000;
  const jitterMs = [];
  const delayMs = [];
  let inWindow = 0;
  let expected = 0;
  let slots = 0;
  let slotsMissed = 0;
  let gapsMissed = 0;
  let extra = 0;
  let outliers = 0;
  const missedMonitors = new Set();
  for (const m of monitors) {
    const I = m.intervalMs * 1000;
    const list = dump.arrivals[m.n] ?? [];
    expected += windowMs / m.intervalMs;
    for (let i = 0; i < list.length; i++) {
      const at = list[i];
      if (at < t0 || at >= t1) continue;
      inWindow++;
      if (i === 0) continue;
      const delta = at - list[i - 1];
      if (delta > 1.5 * I) {
        gapsMissed += Math.round(delta / I) - 1;
        missedMonitors.add(m.n);
      } else if (delta < 0.5 * I) extra++;
      else jitterMs.push(Math.abs(delta - I) / 1000);
    }
    // Slots on the scheduler's grid (phase + k × interval, Date.now() ms) inside the window, each
    // matched to the first arrival from just before it to half an interval after.
    const t0ms = t0 / 1000 + dump.clockOffsetMs;
    const t1ms = t1 / 1000 + dump.clockOffsetMs;
    let s = t0ms + ((((m.phaseMs - t0ms) % m.intervalMs) + m.intervalMs) % m.intervalMs);
    let j = 0;
    for (; s < t1ms; s += m.intervalMs) {
      slots++;
      while (j < list.length && list[j] / 1000 + dump.clockOffsetMs < s - 250) j++;
      const at = j < list.length ? list[j] / 1000 + dump.clockOffsetMs : Infinity;
      if (at < s + m.intervalMs / 2) {
        delayMs.push(at - s);
        if (at - s > 1000) outliers++;
        j++;
      } else {
        slotsMissed++;
        missedMonitors.add(m.n);
      }
    }
  }
  return {
    windowS: windowMs / 1000,
    checksInWindow: inWindow,
    expectedChecks: expected,
    slots,
    slotsMissed,
    gapsMissed,
    extraChecks: extra,
    monitorsWithMisses: missedMonitors.size,
    jitterMs: percentiles(jitterMs),
    /** arrival at the target − the slot: the scheduler's lateness plus connect and request */
    delayAfterSlotMs: percentiles(delayMs),
    delaysOverOneSecond: outliers,
  };
}
