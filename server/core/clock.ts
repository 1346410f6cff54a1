import { readFileSync } from 'node:fs';

/** The server's notion of "now", injected so tests can move time (nonce and session expiry). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and advance by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date()) {}

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  /** Sets the time. */
  set(date: Date): void {
    this.current = new Date(date);
  }
}

/**
 * Tests only (named as such: `--expiry-clock-file`): "now" is the ISO time written in `file` while
 * the file exists and holds one; otherwise the system clock. Lets an end-to-end test move the
 * server's time from outside the process.
 */
export class FileClock implements Clock {
  constructor(private readonly file: string) {}

  now(): Date {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8').trim();
    } catch {
      return new Date();
    }
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? new Date() : at;
  }
}
