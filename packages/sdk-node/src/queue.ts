/**
 * A fixed-size ring: pushing into a full queue overwrites the oldest item and counts it, so a
 * Pulse outage costs a bounded amount of memory and the loss is reported (ApmBatch.dropped).
 */
export class BoundedQueue<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;
  #droppedTotal = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number { return this.#size; }

  push(item: T): void {
    const cap = this.capacity;
    if (this.#size === cap) {
      this.#items[this.#head] = item;
      this.#head = (this.#head + 1) % cap;
      this.#dropped++;
      this.#droppedTotal++;
      return;
    }
    this.#items[(this.#head + this.#size) % cap] = item;
    this.#size++;
  }

  /** Counts an item that never entered the queue (sampled out). */
  countDropped(n = 1): void {
    this.#dropped += n;
    this.#droppedTotal += n;
  }

  /** All items ever dropped (overwritten or sampled out). */
  get droppedTotal(): number { return this.#droppedTotal; }

  /** Removes up to `max` of the oldest items, stopping before the one that would pass `maxBytes`. */
  take(max: number, maxBytes = Infinity, bytesOf?: (item: T) => number): T[] {
    const out: T[] = [];
    let bytes = 0;
    while (this.#size > 0 && out.length < max) {
      const item = this.#items[this.#head] as T;
      if (bytesOf) {
        const b = bytesOf(item);
        // always take one, so an item larger than the budget cannot block the queue forever
        if (out.length > 0 && bytes + b > maxBytes) break;
        bytes += b;
      }
      this.#items[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.capacity;
      this.#size--;
      out.push(item);
    }
    return out;
  }

  /** Returns and resets the number dropped since the last call. */
  takeDropped(): number {
    const n = this.#dropped;
    this.#dropped = 0;
    return n;
  }
}
