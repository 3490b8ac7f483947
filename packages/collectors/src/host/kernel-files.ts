import { closeSync, openSync, readFileSync, readSync, statfsSync } from 'node:fs';

/** Reads a file's whole text, throwing readFileSync's errors. */
export type ReadText = (path: string) => string;

export const readUtf8: ReadText = (path) => readFileSync(path, 'utf8');

const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;

/** Whether `root` is a mounted procfs or sysfs, whose files the kernel regenerates on every read from offset 0. */
export function isKernelFs(root: string): boolean {
  try {
    const { type } = statfsSync(root);
    return type === PROC_SUPER_MAGIC || type === SYSFS_MAGIC;
  } catch {
    return false;
  }
}

export interface KernelFilesOptions {
  /**
   * Keep files open between reads. Only for procfs and sysfs: an ordinary file (a fixture tree) can
   * be replaced or deleted, and an open descriptor would go on reading the old one.
   */
  keepOpen: boolean;
  /** Descriptors kept at most; files past it are opened and closed on each read (default 4096). */
  maxOpen?: number;
}

// Descriptors of collectors that were dropped without close(): closed when the collector is collected.
const orphans = new FinalizationRegistry<Map<string, { fd: number }>>((open) => {
  for (const { fd } of open.values()) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  }
});

/**
 * Reads small kernel files the cheap way. On a 1 s cadence the host collector reads ~20 files; with
 * readFileSync each is open + fstat + read + close and a path walk through procfs or sysfs
 * (symlinks under /sys/class/net included), about 110 µs each on a 2 vCPU VM when the caches are
 * cold. A descriptor kept open and read with pread at offset 0 makes the kernel regenerate the
 * file (seq_file restarts at position 0; sysfs and /proc/sys call their show handlers again), so
 * each later read is one syscall into one reused buffer. A read that fails on a kept descriptor
 * (the interface or process it belonged to is gone) closes it and opens the path once more, so a
 * re-created sysfs node is found again and a vanished one fails as readFileSync would.
 *
 * `sweep()` closes what was not read since the previous sweep: the owner calls it after each round
 * of reads so descriptors of vanished interfaces or processes do not pile up.
 */
export class KernelFiles {
  readonly #keepOpen: boolean;
  readonly #maxOpen: number;
  readonly #open = new Map<string, { fd: number; used: boolean }>();
  #buffer = Buffer.allocUnsafe(16 * 1024);

  constructor(options: KernelFilesOptions) {
    this.#keepOpen = options.keepOpen;
    this.#maxOpen = options.maxOpen ?? 4096;
    if (this.#keepOpen) orphans.register(this, this.#open, this);
  }

  /** The file's text (UTF-8), like readFileSync(path, 'utf8'); throws the same errors. */
  text(path: string): string {
    if (!this.#keepOpen) return readFileSync(path, 'utf8');
    const length = this.#readKept(path);
    return this.#buffer.toString('utf8', 0, length);
  }

  /** Descriptors open now. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Closes every descriptor not read since the previous sweep. */
  sweep(): void {
    for (const [path, entry] of this.#open) {
      if (entry.used) entry.used = false;
      else {
        this.#open.delete(path);
        closeQuietly(entry.fd);
      }
    }
  }

  close(): void {
    for (const { fd } of this.#open.values()) closeQuietly(fd);
    this.#open.clear();
    orphans.unregister(this);
  }

  #readKept(path: string): number {
    const kept = this.#open.get(path);
    if (kept) {
      try {
        const length = this.#readAll(kept.fd);
        kept.used = true;
        return length;
      } catch {
        // Stale (ENODEV, ESRCH): open it again below, which fails properly if it is really gone.
        this.#open.delete(path);
        closeQuietly(kept.fd);
      }
    }
    const fd = openSync(path, 'r');
    let length: number;
    try {
      length = this.#readAll(fd);
    } catch (err) {
      closeQuietly(fd);
      throw err;
    }
    if (this.#open.size < this.#maxOpen) this.#open.set(path, { fd, used: true });
    else closeQuietly(fd);
    return length;
  }

  /** The whole file from offset 0 into the shared buffer, growing it until the file fits. */
  #readAll(fd: number): number {
    for (;;) {
      const length = readSync(fd, this.#buffer, 0, this.#buffer.length, 0);
      if (length < this.#buffer.length) return length;
      // A kernel file is generated whole on a read from 0 only if it fits; read it again, bigger.
      this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2);
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing to do about a descriptor that will not close.
  }
}
