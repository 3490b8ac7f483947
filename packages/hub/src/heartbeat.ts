export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** sends one ping; called every intervalMs while no pong is awaited */
  ping(): void;
  /** no pong arrived within timeoutMs of a ping */
  onTimeout(): void;
}

export interface Heartbeat {
  onPong(): void;
  stop(): void;
}

/**
 * Pings on a fixed interval and declares the peer dead when a pong is late. TCP alone can take
 * many minutes to notice a vanished peer (laptop lid closed, NAT entry dropped); this bounds it.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  let deadline: NodeJS.Timeout | undefined;
  const interval = setInterval(() => {
    if (deadline) return;
    deadline = setTimeout(() => {
      stop();
      options.onTimeout();
    }, options.timeoutMs);
    deadline.unref();
    options.ping();
  }, options.intervalMs);
  // A heartbeat must never be the thing that keeps a process alive.
  interval.unref();

  function stop(): void {
    clearInterval(interval);
    if (deadline) clearTimeout(deadline);
    deadline = undefined;
  }

  return {
    onPong() {
      if (deadline) clearTimeout(deadline);
      deadline = undefined;
    },
    stop,
  };
}
