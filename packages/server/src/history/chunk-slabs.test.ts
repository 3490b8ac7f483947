import { describe, expect, it } from 'vitest';
import { ByteSink } from './byte-sink.js';
import { ChunkSlabs } from './chunk-slabs.js';

const bytesOf = (slabs: ChunkSlabs, s: number): number[] => Array.from(slabs.slab(s).subarray(slabs.offset(s), slabs.offset(s) + slabs.length(s)));

describe('chunk slabs', () => {
  it('writes the same bytes as a ByteSink per series while regions grow, move and their slabs compact', () => {
    const slabs = new ChunkSlabs(2);
    const sinks = Array.from({ length: 12 }, () => new ByteSink(8));
    for (let s = 0; s < 12; s++) slabs.fit(s);
    for (let i = 0; i < 400; i++) {
      const s = (i * 7) % 12;
      const n = i * 2_654_435_761 % 2 ** 40;
      if (i % 5 === 0) {
        slabs.float64(s, i / 3);
        sinks[s]!.float64(i / 3);
      } else {
        slabs.varint(s, n);
        sinks[s]!.varint(n);
      }
    }
    for (let s = 0; s < 12; s++) expect(bytesOf(slabs, s), `series ${s}`).toEqual(Array.from(sinks[s]!.bytes.subarray(0, sinks[s]!.length)));
  });

  it('gives back the room of a region emptied or released at the next compaction of its slab', () => {
    const slabs = new ChunkSlabs(4);
    const fill = (s: number, n: number) => {
      for (let i = 0; i < n; i++) slabs.varint(s, 300); // 2 bytes each
    };
    for (let s = 0; s < 16; s++) {
      slabs.fit(s);
      fill(s, 500);
    }
    const full = slabs.size;
    expect(full).toBeGreaterThanOrEqual(16 * 1000);
    expect(full).toBeLessThan(16 * 1000 * 1.3);
    // Fifteen chunks restart (kept room) or their series go away; the last one grows past the free end.
    for (let s = 0; s < 15; s++) {
      if (s % 2) slabs.truncate(s);
      else slabs.release(s);
    }
    fill(15, 2000);
    expect(slabs.size).toBeLessThan(5000 * 1.3 + 15 * 16);
    expect(bytesOf(slabs, 15)).toHaveLength(5000);
    expect(slabs.length(3)).toBe(0);
    // A truncated region is written again from its start.
    slabs.varint(3, 5);
    expect(bytesOf(slabs, 3)).toEqual([5]);
  });

  it('keeps series of different slabs apart', () => {
    const slabs = new ChunkSlabs(1);
    for (let s = 0; s < 6; s++) {
      slabs.fit(s);
      slabs.varint(s, s + 1);
    }
    expect(new Set(Array.from({ length: 6 }, (_, s) => slabs.slab(s))).size).toBe(3);
    expect(Array.from({ length: 6 }, (_, s) => bytesOf(slabs, s))).toEqual([[1], [2], [3], [4], [5], [6]]);
  });
});
