/**
 * The agent's log: one line per event on stderr, `level message {context}`. Under systemd
 * (JOURNAL_STREAM set) the time is left off because the journal stamps every line itself.
 * The signature matches pino's (`logger.warn(obj, msg)`) so the shared collectors can use it.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface AgentLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  level: LogLevel;
  write?: (line: string) => void;
  /** Prefix each line with an ISO time; off by default under systemd. */
  timestamps?: boolean;
  now?: () => number;
}

export function createLogger(options: LoggerOptions): AgentLogger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const timestamps = options.timestamps ?? !process.env.JOURNAL_STREAM;
  const now = options.now ?? Date.now;
  const max = RANK[options.level];
  const at = (level: LogLevel) => (obj: object, msg?: string) => {
    if (RANK[level] > max) return;
    const context = contextOf(obj);
    const time = timestamps ? `${new Date(now()).toISOString()} ` : '';
    write(`${time}${level} ${msg ?? ''}${context ? ` ${context}` : ''}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Errors become `{ message, code }`: their own fields are not enumerable, so JSON would print `{}`. */
function contextOf(obj: object): string {
  const entries = Object.entries(obj);
  if (entries.length === 0) return '';
  const plain: Record<string, unknown> = {};
  for (const [key, value] of entries) plain[key] = value instanceof Error ? describeError(value) : value;
  try {
    return JSON.stringify(plain);
  } catch {
    return '{"context":"unserialisable"}';
  }
}

function describeError(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return { message: err.message, ...(code === undefined ? {} : { code }) };
}

/** Logs nothing; for tests and for callers that pass no logger. */
export const silentLogger: AgentLogger = { error() {}, warn() {}, info() {}, debug() {} };
