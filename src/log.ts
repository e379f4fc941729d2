import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. CLI commands log to stderr so that stdout carries only their data. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', { stderr = false } = {}): Logger {
  const options = { level, base: { app: 'minsheng' } };
  return stderr ? pino(options, pino.destination(2)) : pino(options);
}
