import { fit } from './columns.js';

/**
 * Series by (resource, metric) and by stored id, each known by a series number: 0, 1, 2… in the order
 * the store first met them. The rest of a series' state (OpenChunks, SampleBuffer) is kept by that
 * number in typed columns, not in an object per series: at 50,000 series the objects, their open
 * chunks and a map of them by id were ~80 % of the store's heap (a heap snapshot at 50,036 series).
 *
 * Two levels of maps, not one keyed by a joined string: a lookup per sample then makes no string
 * (5,000 samples/s in bench/proxmox). One flat map keyed by interned resource and metric numbers was
 * measured at 43 B a series against 48 for these, and costs a second lookup per sample.
 */
export class SeriesIndex {
  readonly #byResource = new Map<string, Map<string, number>>();
  #size = 0;
  /** stored id by series number; 0 until the flush that first meets the series has created its row */
  #id = new Float64Array(0);
  readonly #byId = new SeriesById();

  /** How many series there are: their numbers are 0 … size - 1. */
  get size(): number {
    return this.#size;
  }

  get(resource: string, metric: string): number | undefined {
    return this.#byResource.get(resource)?.get(metric);
  }

  ensure(resource: string, metric: string): number {
    return this.ensureIn(this.metricsOf(resource), resource, metric);
  }

  /** The series of one resource by metric, for looking up many metrics of it at once. */
  metricsOf(resource: string): Map<string, number> {
    let metrics = this.#byResource.get(resource);
    if (!metrics) this.#byResource.set(resource, (metrics = new Map()));
    return metrics;
  }

  ensureIn(metrics: Map<string, number>, resource: string, metric: string): number {
    let s = metrics.get(metric);
    if (s === undefined) {
      metrics.set(metric, (s = this.#size++));
      this.#id = fit(this.#id, s);
    }
    return s;
  }

  /**
   * The resource and metric of each of `series`, by a walk over the maps: only a flush that creates rows
   * for new series needs them, and keeping them by series number as well cost 16 B a series.
   */
  keysOf(series: readonly number[]): { resource: string; metric: string }[] {
    const wanted = new Map(series.map((s, i) => [s, i]));
    const out = new Array<{ resource: string; metric: string }>(series.length);
    for (const [resource, metrics] of this.#byResource) {
      for (const [metric, s] of metrics) {
        const i = wanted.get(s);
        if (i !== undefined) out[i] = { resource, metric };
      }
    }
    return out;
  }

  /** The series' stored id, 0 before its row exists. */
  id(s: number): number {
    return this.#id[s]!;
  }

  byId(id: number): number | undefined {
    return this.#byId.get(id);
  }

  setId(s: number, id: number): void {
    if (this.#id[s]) this.#byId.delete(this.#id[s]!);
    this.#id[s] = id;
    if (id) this.#byId.set(id, s);
  }

  /** Every series with a row. */
  *stored(): Generator<number> {
    for (let s = 0; s < this.#size; s++) if (this.#id[s]) yield s;
  }
}

/**
 * Series numbers by stored id. Ids are a table's row numbers, dense from 1, so a typed column by id
 * (4 B a series) replaces a Map (~36 B an entry); an id far beyond the rest (a sequence moved on by
 * another writer) goes in a map rather than growing the column to it.
 */
class SeriesById {
  /** series number + 1 by id (0: none) */
  #dense = new Int32Array(0);
  readonly #sparse = new Map<number, number>();
  #count = 0;

  get(id: number): number | undefined {
    const s = id < this.#dense.length ? this.#dense[id]! - 1 : (this.#sparse.get(id) ?? -1);
    return s < 0 ? undefined : s;
  }

  set(id: number, s: number): void {
    this.#count++;
    if (id >= this.#dense.length && id < 4 * this.#count + 1024) this.#dense = fit(this.#dense, id);
    if (id < this.#dense.length) this.#dense[id] = s + 1;
    else this.#sparse.set(id, s);
  }

  delete(id: number): void {
    this.#count--;
    if (id < this.#dense.length) this.#dense[id] = 0;
    else this.#sparse.delete(id);
  }
}
