import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CardSnapshot } from '../../common/card/card-state';
import type { DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import type { ConfigurationEntry } from '../../common/diagnostics/support-report';
import { readRecentLogEntries } from '../logging/log-reader';
import { systemInfo } from './diagnostics-service';
import { buildSupportReport, serializeSupportReport, supportReportFileContent } from './support-report-builder';
import { PRODUCT_NAME } from '../../common/product';

export interface DoctorReportInput {
  file: string;
  repoRoot: string;
  checks: DiagnosticCheck[];
  card: CardSnapshot;
  configuration: ConfigurationEntry[];
  /** The program's log folder on this machine (its last errors go into the report). */
  logDir: string | null;
  now: Date;
}

/** Command-line overrides win over the configuration: the report says so. */
export function withOverrides(
  entries: ConfigurationEntry[],
  overrides: Record<string, string | string[] | undefined>,
): ConfigurationEntry[] {
  const result = entries.map((entry) => {
    const value = overrides[entry.key];
    return value === undefined ? entry : { key: entry.key, value, source: 'kommandorad', locked: false };
  });
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined && !result.some((entry) => entry.key === key))
      result.push({ key, value, source: 'kommandorad', locked: false });
  }
  return result;
}

/** `npm run doctor -- --report FILE`: the same support report as the app's "Spara rapport". */
export function writeDoctorReport(input: DoctorReportInput): string {
  const version =
    (JSON.parse(readFileSync(path.join(input.repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  const report = buildSupportReport({
    createdAt: input.now,
    app: {
      productName: PRODUCT_NAME,
      version,
      transport: 'doctor',
      electronVersion: null,
      nodeVersion: process.versions.node,
    },
    system: systemInfo(),
    configuration: input.configuration,
    checks: input.checks,
    card: input.card,
    testSignature: null,
    recentErrors: readRecentLogEntries(input.logDir),
  });
  const file = path.resolve(input.file);
  writeFileSync(file, supportReportFileContent(serializeSupportReport(report)), { encoding: 'utf8', mode: 0o600 });
  return file;
}
