/** The installed Electron executable, or null where none is installed. */
export function findElectronBinary(): string | null;
