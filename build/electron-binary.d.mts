/** The Electron executable already downloaded, or null (never downloads). */
export function findElectronBinary(): string | null;
/** The Electron executable, downloaded first by Electron's own installer where it is missing, or why not. */
export function ensureElectronBinary(options?: {
  quiet?: boolean;
}): { binary: string; reason?: undefined } | { binary: null; reason: string };
