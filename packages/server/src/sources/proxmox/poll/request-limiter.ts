/*
 * Requests of one connection share a small number of slots so a poll never hits a Proxmox node
 * with hundreds of calls at once (pveproxy has few workers and users notice its load). Urgent
 * work (what every cycle needs) jumps ahead of background work (guest agents, disks, backups).
 */

export type Priority = 'urgent' | 'background';

export interface RequestLimiter {
  run<T>(priority: Priority, task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly queued: number;
}

export function createRequestLimiter(slots: number): RequestLimiter {
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`request slots must be a positive integer, got ${slots}`);
  const urgent: (() => void)[] = [];
  const background: (() => void)[] = [];
  let active = 0;

  function next(): void {
    while (active < slots) {
      const start = urgent.shift() ?? background.shift();
      if (!start) return;
      active++;
      start();
    }
  }

  return {
    run(priority, task) {
      return new Promise((resolve, reject) => {
        (priority === 'urgent' ? urgent : background).push(() => {
          task().then(resolve, reject).finally(() => {
            active--;
            next();
          });
        });
        next();
      });
    },
    get active() {
      return active;
    },
    get queued() {
      return urgent.length + background.length;
    },
  };
}
