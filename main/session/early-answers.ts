/**
 * Answers main asks for before the renderer does: the moment a login succeeds, the administration
 * view's first two calls (the organisation and the user list's first page) go to the backend, while
 * the renderer is still drawing the view. The renderer's own call with the same key then takes the
 * answer in flight instead of asking again. Each answer is used once, only within `ttlMs` of being
 * asked, and all are forgotten when the session changes (logout, expiry, another organisation).
 */
export interface EarlyAnswers {
  /** Asks now; the answer waits under `key` for the first `take`. Replaces an earlier one. */
  start(key: string, ask: () => Promise<unknown>): void;
  /** The answer asked under `key` if it is still fresh (once), else undefined. */
  take<T>(key: string): Promise<T> | undefined;
  /** Forgets every answer not yet taken. */
  clear(): void;
}

export function createEarlyAnswers({ ttlMs = 5000, now = () => Date.now() } = {}): EarlyAnswers {
  const waiting = new Map<string, { answer: Promise<unknown>; askedAt: number }>();
  return {
    start(key, ask) {
      const answer = ask();
      // Nobody may take it: a failure then must not become an unhandled rejection.
      answer.catch(() => undefined);
      waiting.set(key, { answer, askedAt: now() });
    },
    take<T>(key: string) {
      const early = waiting.get(key);
      if (!early) return undefined;
      waiting.delete(key);
      return now() - early.askedAt <= ttlMs ? (early.answer as Promise<T>) : undefined;
    },
    clear() {
      waiting.clear();
    },
  };
}
