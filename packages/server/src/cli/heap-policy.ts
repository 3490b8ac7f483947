import { setFlagsFromString } from 'node:v8';

/**
 * How much garbage the V8 heap may gather before a full collection, as a share of what the last
 * one kept alive. V8 picks that factor itself (1.1–4×) from how fast it collects against how fast
 * the program allocates, and sizes its ceiling from the machine's memory: a server that polls a
 * large Proxmox estate keeps ~110 MB alive and allocates its answers every cycle, so on a machine
 * with gigabytes free V8 let the heap reach 350 MB between collections (bench/proxmox). A fixed
 * factor keeps resident memory near the live set, for a few more collections (incremental, on
 * the main thread under bin/pulse's --single-threaded-gc). V8 reads the flag whenever it
 * recomputes its limit, so setting it at start or on a configuration reload takes effect from the
 * next collection; 0 hands the choice back to V8.
 */
export function applyHeapPolicy(heapGrowthPercent: number): void {
  setFlagsFromString(`--heap-growing-percent=${Math.max(0, Math.trunc(heapGrowthPercent))}`);
}
