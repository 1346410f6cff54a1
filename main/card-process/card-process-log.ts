import type { FromWorker, WorkerLog } from './card-worker-protocol';

/**
 * The card process's logger: every line goes to main over the protocol, where main's logger writes it
 * (redaction, log file). Only codes and safe details: never a PIN, never key material.
 */
export interface CardProcessLogger {
  info(event: string, message: string, fields?: WorkerLog['fields']): void;
  warn(event: string, message: string, fields?: WorkerLog['fields']): void;
  error(event: string, message: string, fields?: WorkerLog['fields']): void;
}

/** A logger whose lines are sent to main as `log` messages. */
export function cardProcessLogger(send: (message: FromWorker) => void): CardProcessLogger {
  const line =
    (level: WorkerLog['level']) =>
    (event: string, message: string, fields: WorkerLog['fields'] = {}) =>
      send({ type: 'log', level, event, message, fields });
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
