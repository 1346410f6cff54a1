/** Hosts the program may open in the user's browser (the agency's support pages). */
export const DEFAULT_EXTERNAL_HOSTS = ['www.inera.se', 'inera.se', 'www.forsakringskassan.se'] as const;

/** True only for https links to an allow-listed host, with no credentials in the URL. */
export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[] = DEFAULT_EXTERNAL_HOSTS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && allowedHosts.includes(parsed.hostname)
  );
}

/** The only way main opens a link outside the app: refuses everything not allow-listed. */
export async function openExternalSafely(
  url: string,
  openExternal: (url: string) => Promise<void>,
  allowedHosts: readonly string[] = DEFAULT_EXTERNAL_HOSTS,
): Promise<boolean> {
  if (!isAllowedExternalUrl(url, allowedHosts)) return false;
  await openExternal(url);
  return true;
}
