import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths redacted from every log line. Secrets are also never passed to the logger on purpose;
 * this is the second wall.
 */
export const REDACTED_PATHS = [
  'pin',
  '*.pin',
  'puk',
  '*.puk',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'signature',
  '*.signature',
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/** Creates the structured logger shared by every main-process component. */
export function createLogger({ level = 'info', destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    base: { app: 'behorighetsadmin' },
    redact: { paths: REDACTED_PATHS, censor: '[borttaget]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}
