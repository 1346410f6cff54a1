import type { AppInfo } from '../../common/ipc/contract';

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
