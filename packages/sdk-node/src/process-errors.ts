import type { Mechanism } from './exceptions.js';

export type RejectionsMode = 'throw' | 'strict' | 'warn' | 'warn-with-error-code' | 'none';

/** The `--unhandled-rejections` mode in effect (flag or NODE_OPTIONS; Node's default is throw). */
export function rejectionsMode(execArgv: string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): RejectionsMode {
  const args = [...nodeOptions.split(/\s+/), ...execArgv];
  let mode: RejectionsMode = 'throw';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const value = a.startsWith('--unhandled-rejections=') ? a.slice(23) : a === '--unhandled-rejections' ? args[i + 1] : undefined;
    if (value === 'throw' || value === 'strict' || value === 'warn' || value === 'warn-with-error-code' || value === 'none') mode = value;
  }
  return mode;
}

export interface ProcessErrorHooks {
  /** `crashing`: no 'uncaughtException' listener exists, so Node exits right after this call */
  onError(err: unknown, mechanism: Mechanism, crashing: boolean): void;
}

/**
 * Observes uncaught exceptions and unhandled rejections without changing what the process does
 * about them. Node exits on an uncaught exception only when nobody listens to 'uncaughtException',
 * so the SDK listens to 'uncaughtExceptionMonitor', which observes and lets the crash happen.
 * An 'unhandledRejection' listener, on the other hand, *handles* the rejection: in the throw and
 * warn-with-error-code modes its mere presence stops the crash or the exit code. So the SDK:
 *   - throw / strict: sees the rejection through the monitor (Node raises it as an uncaught
 *     exception with origin 'unhandledRejection'); it adds its own 'unhandledRejection' listener
 *     only while the application has one, when the rejection is handled anyway;
 *   - warn / none: listens always (Node warns, or stays silent, either way);
 *   - warn-with-error-code: like throw, minus the monitor, so a rejection nobody handles is missed.
 * Returns the uninstaller.
 */
export function installProcessErrorHooks(hooks: ProcessErrorHooks, mode: RejectionsMode = rejectionsMode()): () => void {
  // strict mode reports one rejection twice (monitor first, then 'unhandledRejection' if survived)
  const seen = new WeakSet<object>();
  const once = (err: unknown): boolean => {
    if (err === null || typeof err !== 'object') return true;
    if (seen.has(err)) return false;
    seen.add(err);
    return true;
  };

  const onMonitor = (err: unknown, origin: string) => {
    if (!once(err)) return;
    const crashing = process.listenerCount('uncaughtException') === 0;
    hooks.onError(err, origin === 'unhandledRejection' ? 'unhandled-rejection' : 'uncaught', crashing);
  };
  const onRejection = (reason: unknown) => {
    if (once(reason)) hooks.onError(reason, 'unhandled-rejection', false);
  };

  let listening = false;
  const listen = (on: boolean) => {
    if (on === listening) return;
    listening = on;
    if (on) process.on('unhandledRejection', onRejection);
    else process.off('unhandledRejection', onRejection);
  };
  const others = () => process.listenerCount('unhandledRejection') - (listening ? 1 : 0);
  const onNewListener = (event: string | symbol, listener: unknown) => {
    if (event === 'unhandledRejection' && listener !== onRejection) listen(true);
  };
  const onRemoveListener = (event: string | symbol, listener: unknown) => {
    if (event === 'unhandledRejection' && listener !== onRejection && others() === 0) listen(false);
  };

  process.on('uncaughtExceptionMonitor', onMonitor);
  const always = mode === 'warn' || mode === 'none';
  if (always) {
    listen(true);
  } else {
    process.on('newListener', onNewListener);
    process.on('removeListener', onRemoveListener);
    if (others() > 0) listen(true);
  }

  return () => {
    process.off('uncaughtExceptionMonitor', onMonitor);
    process.off('newListener', onNewListener);
    process.off('removeListener', onRemoveListener);
    listen(false);
  };
}
