/** One pending run in the heap; `gen` tells stale entries (monitor removed or rescheduled) apart. */
export interface HeapItem {
  at: number;
  id: string;
  attempt: number;
  gen: number;
}

/**
 * A binary min-heap on `at` (ties by insertion order, so runs due at the same millisecond start in
 * the order they were scheduled). Removal is lazy: callers check `gen` when an item comes out, which
 * keeps upsert/remove O(log n) without an index.
 */
export class DueHeap {
  #items: (HeapItem & { seq: number })[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  peek(): HeapItem | undefined {
    return this.#items[0];
  }

  push(item: HeapItem): void {
    const items = this.#items;
    items.push({ ...item, seq: this.#seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): HeapItem | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.#less(l, m)) m = l;
        if (r < items.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.#items = [];
  }

  #less(a: number, b: number): boolean {
    const x = this.#items[a]!;
    const y = this.#items[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    [items[a], items[b]] = [items[b]!, items[a]!];
  }
}
