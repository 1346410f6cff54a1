import type { IpcHandlers } from '../ipc/ipc-router';
import { backendHealth, type BackendProbe } from './backend-probe';
import type { DiagnosticsService } from './diagnostics-service';

type DiagnosticsChannel =
  | 'backend:get-health'
  | 'diagnostics:run'
  | 'diagnostics:test-signature'
  | 'diagnostics:report'
  | 'diagnostics:save-report'
  | 'diagnostics:open-log-folder';

/**
 * The troubleshooting IPC handlers: the login view's backend health and the diagnostics view
 * ("Felsökning"), over the one backend probe and the diagnostics service.
 */
export function diagnosticsHandlers(
  diagnostics: DiagnosticsService,
  probe: () => Promise<BackendProbe>,
): Pick<IpcHandlers, DiagnosticsChannel> {
  return {
    'backend:get-health': async () => backendHealth(await probe()),
    'diagnostics:run': () => diagnostics.run(),
    'diagnostics:test-signature': ({ pin }) => diagnostics.testSignature(pin),
    'diagnostics:report': () => diagnostics.report(),
    'diagnostics:save-report': () => diagnostics.saveReport(),
    'diagnostics:open-log-folder': () => diagnostics.openLogFolder(),
  };
}
