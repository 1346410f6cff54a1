/**
 * A request's key: the same channel, fields and values give the same key, whatever their order
 * (a field set to undefined counts as absent). Main's early answers and newest-query rule, and the
 * renderer's prefetched first page, match requests by it.
 */
export function requestKey(channel: string, request: object): string {
  const fields = Object.entries(request)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${channel} ${JSON.stringify(fields)}`;
}
