/*
 * Seeded randomness and smooth signals. Every figure the simulator answers is a pure function of
 * (seed, entity, time), so two simulators with the same seed and clock answer byte for byte the same,
 * and nothing has to be stepped or stored per tick (cheap at 3,000 guests).
 */

/** A 32-bit hash of a string, mixed with a seed (FNV-1a, then an avalanche). */
export function hash(/** @type {number} */ seed, /** @type {string} */ key) {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** A number in [0, 1) fixed by seed and key. */
export const unit = (/** @type {number} */ seed, /** @type {string} */ key) => hash(seed, key) / 4294967296;

/** One of `items`, fixed by seed and key. */
export const pick = (/** @type {number} */ seed, /** @type {string} */ key, /** @type {readonly any[]} */ items) =>
  items[hash(seed, key) % items.length];

/**
 * A smooth wander in [-1, 1] over time: three sines with periods of minutes to hours and phases fixed
 * by the key. Smooth so that consecutive polls look like a real load, not noise.
 */
export function wander(/** @type {number} */ seed, /** @type {string} */ key, /** @type {number} */ tSec) {
  const h = hash(seed, key);
  const p1 = (h & 0xff) / 40.7;
  const p2 = ((h >>> 8) & 0xff) / 40.7;
  const p3 = ((h >>> 16) & 0xff) / 40.7;
  return (Math.sin(tSec / 97 + p1) * 0.5 + Math.sin(tSec / 613 + p2) * 0.3 + Math.sin(tSec / 3607 + p3) * 0.2);
}

/**
 * A byte counter that grows at about `rate` per second since `sinceSec` and never goes backwards:
 * the integral of rate × (1 + 0.5·cos), whose derivative stays positive.
 */
export function counter(/** @type {number} */ rate, /** @type {number} */ sinceSec, /** @type {number} */ tSec, /** @type {number} */ phase) {
  const dt = Math.max(0, tSec - sinceSec);
  const w = 1 / 300;
  return Math.floor(rate * (dt + (0.5 / w) * (Math.sin(w * dt + phase) - Math.sin(phase))));
}
