/**
 * The newest query wins: requests carry a query key (a list page's search, filters and sort,
 * without its position), and a request for another key aborts every request still in flight for
 * any key but its own, so a superseded search neither holds main nor keeps the backend busy. Requests
 * of the same key (several blocks of one list) never abort each other.
 */
export interface LatestQuery {
  /** Runs `ask` with a signal that aborts, with `reason()`, once a request for another key arrives. */
  run<T>(key: string, ask: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export function createLatestQuery(reason: () => Error): LatestQuery {
  const inFlight = new Set<{ key: string; controller: AbortController }>();
  return {
    async run(key, ask) {
      for (const request of inFlight) {
        if (request.key !== key) {
          inFlight.delete(request);
          request.controller.abort(reason());
        }
      }
      const request = { key, controller: new AbortController() };
      inFlight.add(request);
      try {
        return await ask(request.controller.signal);
      } finally {
        inFlight.delete(request);
      }
    },
  };
}
