import type { AppInfo } from '../../common/ipc/contract';
import type { IpcHandlers } from '../ipc/ipc-router';
import { openExternalSafely } from '../security/external-links';

export interface AppInfoSource {
  productName: string;
  version: string;
  transport: AppInfo['transport'];
  electronVersion: string | null;
  /** Running against the local demo environment. */
  demoMode?: boolean;
}

/** Reports what program this is and where it runs (shown in the header and in diagnostics). */
export class AppInfoService {
  constructor(private readonly source: AppInfoSource) {}

  /** The program's name, version and platform. */
  getInfo(): AppInfo {
    return {
      productName: this.source.productName,
      version: this.source.version,
      platform: process.platform,
      arch: process.arch,
      transport: this.source.transport,
      electronVersion: this.source.electronVersion,
      nodeVersion: process.versions.node,
      demoMode: this.source.demoMode ?? false,
    };
  }
}

/**
 * The program's own IPC handlers: what it is, and "open in browser" through the allow-list of
 * external links (the platform's opener is reached only for an allowed address).
 */
export function appHandlers(
  appInfo: AppInfoService,
  openExternal: (url: string) => Promise<void>,
): Pick<IpcHandlers, 'app:get-info' | 'app:open-external'> {
  return {
    'app:get-info': () => appInfo.getInfo(),
    'app:open-external': async ({ url }) => ({ opened: await openExternalSafely(url, openExternal) }),
  };
}
