import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CardSnapshot } from '../../common/card/card-state';
import { CardProcessSupervisor } from '../card/card-process-supervisor';
import { createCardRevocation, withRevocation } from '../card/card-revocation';
import { nodeWorkerLauncher } from '../card/node-worker-launcher';
import { describeConfiguration } from './configuration-report';
import { withOverrides, writeDoctorReport } from './doctor-report';
import { resolveLogDir } from '../logging/log-location';
import { nodeBackendTransport } from '../backend/node-transport';
import { loadSettingsAndLogger } from '../logging/settings-logger';
import { probeBackend } from './backend-probe';
import { inspectTls } from './tls-inspection';
import { checkWords } from './check-words';
import { runDoctorChecks } from './doctor-checks';

// `npm run doctor`: walks the chain from card service to backend for support staff and CI.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      module: { type: 'string' },
      /** CA certificate files (roots and intermediates; a file may hold several): the setting trustAnchors. */
      'trust-anchor': { type: 'string', multiple: true },
      backend: { type: 'string' },
      timeout: { type: 'string', default: '15000' },
      /** Also write the support report (text, then JSON) to this file. */
      report: { type: 'string' },
    },
  });
  const timeoutMs = Number(values.timeout);
  // The app's settings (defaults < user < policy < flags); logs go to stderr at warn level so --json stays clean on stdout.
  const { settings: appSettings, logger } = loadSettingsAndLogger(
    { env: process.env, platform: process.platform, resourcesDir: path.join(REPO_ROOT, 'resources') },
    { level: process.env.BEHORIGHETSADMIN_LOG_LEVEL ?? 'warn' },
  );
  const settings = appSettings.card;
  if (values.module) settings.modulePath = values.module;
  if (values['trust-anchor']?.length) settings.trustAnchorPaths = values['trust-anchor'].map((file) => path.resolve(file));
  const backendUrl = values.backend ?? appSettings.backend?.url ?? null;

  const supervisor = new CardProcessSupervisor({
    launch: nodeWorkerLauncher(path.join(HERE, '..', 'card-process', 'card-worker-entry.ts'), {
      execArgv: ['--import', import.meta.resolve('tsx')],
    }),
    config: { ...settings, pcscRetryMs: 500 },
    logger,
    readTimeoutMs: timeoutMs,
  });
  supervisor.start();
  // The backend as the app reaches it: the configured proxy and extra CAs, and what its TLS server presents.
  const network = appSettings.network;
  const backendProbe = probeBackend(backendUrl, Math.min(timeoutMs, 5000), nodeBackendTransport(network), (url) =>
    inspectTls(url, { network, timeoutMs: Math.min(timeoutMs, 5000) }),
  );
  let card: CardSnapshot;
  try {
    // Give PC/SC a moment to report readers and cards, then read the token once more.
    await supervisor.waitFor(
      (snapshot) => snapshot.process === 'running' && snapshot.updatedAt !== new Date(0).toISOString(),
      timeoutMs,
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The revocation check (OCSP, CRL as fallback) of the card certificate, as the app makes it.
    const withChecks = withRevocation(supervisor, createCardRevocation(settings.trustAnchorPaths, logger));
    const refreshed = await withChecks.refresh();
    card = refreshed.ok ? refreshed.value : withChecks.snapshot();
  } finally {
    supervisor.stop();
  }
  const policyLocation = appSettings.config.policyLocation;
  const checks = runDoctorChecks({ card, policyLocation, backend: await backendProbe, backendUrl, now: new Date() });
  // The words are the catalogue's Swedish (renderer/src/i18n), as in the app; --json also gives each check's code and values.
  const words = checkWords('sv');
  if (values.json) {
    const described = checks.map((item) => ({
      ...item,
      message: words.message(item),
      ...(item.notes ? { notes: item.notes.map((note) => ({ ...note, message: words.note(note) })) } : {}),
    }));
    process.stdout.write(`${JSON.stringify({ checks: described }, null, 2)}\n`);
  } else {
    for (const item of checks) {
      process.stdout.write(`${words.doctor(`status.${item.status}`).padEnd(4)}  ${item.id.padEnd(21)} ${words.message(item)}\n`);
      for (const note of item.notes ?? []) process.stdout.write(`${' '.repeat(28)}${words.note(note)}\n`);
    }
  }
  if (values.report) {
    const configuration = withOverrides(
      describeConfiguration({ entries: appSettings.config.entries, modulePath: settings.modulePath }),
      {
        pkcs11ModuleInUse: values.module,
        trustAnchors: values['trust-anchor']?.map((file) => path.resolve(file)),
        backendUrl: values.backend,
      },
    );
    const file = writeDoctorReport({
      file: values.report,
      repoRoot: REPO_ROOT,
      checks,
      card,
      configuration,
      logDir: resolveLogDir(process.env, process.platform),
      now: new Date(),
    });
    process.stderr.write(`${words.doctor('reportSaved', { file })}\n`);
  }
  return checks.some((item) => item.status === 'fail') ? 1 : 0;
}

// A hard stop: doctor must never hang, whatever the middleware does.
const guard = setTimeout(() => {
  process.stderr.write(`${checkWords('sv').doctor('timedOut')}\n`);
  process.exit(3);
}, 60_000);
guard.unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
