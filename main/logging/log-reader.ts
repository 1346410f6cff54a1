import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { LogEntry } from '../../common/diagnostics/support-report';
import { logFilePath } from './rotating-file';

const LEVELS: Record<number, LogEntry['level']> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const TAIL_BYTES = 512 * 1024;

function tail(file: string): string {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // Drop a line cut in half at the start of the window.
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function stringOrNull(value: unknown, max = 80): string | null {
  return typeof value === 'string' ? value.slice(0, max) : null;
}

/**
 * The last warnings and errors (and failures carrying an error code) from the log files, newest
 * last, by whitelisted fields only: time, level, component, event, error code. Messages, payloads
 * and stack traces stay in the log.
 */
export function readRecentLogEntries(dir: string | null, limit = 20): LogEntry[] {
  if (!dir) return [];
  const entries: LogEntry[] = [];
  for (const index of [1, 0]) {
    for (const line of tail(logFilePath(dir, index)).split('\n')) {
      if (!line.startsWith('{')) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const level = typeof parsed.level === 'number' ? LEVELS[parsed.level] : undefined;
      const errorCode = stringOrNull(parsed.errorCode, 64);
      if (!level || (level === 'info' && errorCode === null)) continue;
      entries.push({
        time: stringOrNull(parsed.time) ?? '',
        level,
        component: stringOrNull(parsed.component),
        event: stringOrNull(parsed.event),
        errorCode,
      });
    }
  }
  return entries.slice(-limit);
}
