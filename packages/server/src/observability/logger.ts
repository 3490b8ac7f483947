import pino, { type Logger } from 'pino';

/** Paths never written to the log, whatever a caller passes in. */
const REDACT = [
  'password', '*.password', 'token', '*.token', 'secret', '*.secret',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];

/** pino: pretty on a terminal for people, JSON otherwise for machines. */
export function createLogger(level: string, stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Logger {
  const options = { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'pulse' } };
  if (stream.isTTY) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
  }
  return pino(options, stream);
}
