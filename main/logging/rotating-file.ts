import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { DestinationStream } from 'pino';

/** The current log file's name; older ones are behorighetsadmin.1.log, .2.log, ... */
export const LOG_FILE_NAME = 'behorighetsadmin.log';

export interface RotatingFileOptions {
  dir: string;
  /** Rotate once the current file would pass this size. */
  maxBytes?: number;
  /** How many rotated files to keep besides the current one. */
  keep?: number;
}

/** The path of the n-th log file (0 = current). */
export function logFilePath(dir: string, index: number): string {
  return path.join(dir, index === 0 ? LOG_FILE_NAME : LOG_FILE_NAME.replace(/\.log$/, `.${index}.log`));
}

/**
 * A pino destination that appends lines to a file in `dir` and rotates by size, keeping a few old
 * files. Writes are synchronous (one desktop user, a few lines a second) so nothing is lost on a
 * crash; a failing disk never throws into the caller.
 */
export class RotatingFileDestination implements DestinationStream {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | null = null;
  private size = 0;

  constructor({ dir, maxBytes = 5 * 1024 * 1024, keep = 4 }: RotatingFileOptions) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.keep = keep;
  }

  /** Appends one line (pino passes whole lines, newline included). */
  write(line: string): void {
    try {
      const bytes = Buffer.byteLength(line);
      if (this.fd === null) this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd!, line);
      this.size += bytes;
    } catch {
      // A log that cannot be written must not take the program down; stderr still has the line.
      this.close();
    }
  }

  /** Closes the file (it is reopened on the next write). */
  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already gone.
      }
      this.fd = null;
    }
  }

  private open(): void {
    mkdirSync(this.dir, { recursive: true });
    this.fd = openSync(logFilePath(this.dir, 0), 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(logFilePath(this.dir, this.keep), { force: true });
    for (let index = this.keep - 1; index >= 0; index -= 1) {
      try {
        renameSync(logFilePath(this.dir, index), logFilePath(this.dir, index + 1));
      } catch {
        // That generation does not exist yet.
      }
    }
    this.open();
  }
}
