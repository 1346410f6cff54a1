import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test as base, expect, insertCardAndLogIn, waitForCardReady } from './support/card-fixtures';
import { launchApp, REPO_ROOT } from './support/launch-app';
import { expectAccessible } from './support/accessibility';
import { labAppEnv } from './support/lab-env';

// Issue 8: the diagnostics view for support staff, against the card lab and the reference backend.
// Each fault shows the right failing check and remedy; fixing it turns the check green without a
// restart. The saved report of a session in which a PIN was typed holds neither PIN nor token.

interface Folders {
  reports: string;
  logs: string;
}

// The card fixtures' app, plus folders for saved reports and the log file (no save dialog in tests).
const test = base.extend<{ folders: Folders }>({
  // eslint-disable-next-line no-empty-pattern
  folders: async ({}, use) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-diagnostics-'));
    try {
      await use({ reports: path.join(root, 'rapporter'), logs: path.join(root, 'logs') });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
  app: async ({ lab, backend, folders }, use) => {
    await lab.remove().catch(() => undefined);
    const app = await launchApp({
      env: labAppEnv(lab, backend, {
        BEHORIGHETSADMIN_REPORT_DIR: folders.reports,
        BEHORIGHETSADMIN_LOG_DIR: folders.logs,
      }),
    });
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
});

const CARD_TIMEOUT = { timeout: 30_000 };
async function openDiagnostics(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Felsökning och diagnostik' }).click();
  await expect(page.getByRole('heading', { name: 'Felsökning och diagnostik', level: 2 })).toBeFocused();
  await expect(page.getByTestId('check-pcsc-service')).toBeVisible({ timeout: 20_000 });
}

function checkRow(page: Page, id: string) {
  return page.getByTestId(`check-${id}`);
}

async function expectCheck(
  page: Page,
  id: string,
  status: 'pass' | 'warn' | 'fail' | 'skip',
  text?: string | RegExp,
): Promise<void> {
  await expect(checkRow(page, id)).toHaveAttribute('data-status', status, CARD_TIMEOUT);
  if (text) await expect(checkRow(page, id).getByTestId('check-message')).toContainText(text);
}

/** The card links of the chain, all green: what every fix must bring back. */
async function expectCardChainGreen(page: Page): Promise<void> {
  for (const id of [
    'pcsc-service',
    'reader',
    'card',
    'atr',
    'pkcs11-module',
    'token',
    'certificate',
    'certificate-validity',
    'certificate-issuer',
    'certificate-revocation',
    'pin-state',
  ])
    await expectCheck(page, id, 'pass');
  // Remote Desktop / Citrix is looked for on Windows only.
  await expectCheck(page, 'remote-session', process.platform === 'win32' ? 'pass' : 'skip');
}

/** The agency's operator message, set in the test backend's database (server/agency-cli.ts). */
function agency(dbFile: string, ...args: string[]): void {
  const result = spawnSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    ['server/agency-cli.ts', '--db', dbFile, ...args],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`agency ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
}

test("opens before login and lists every check in the manual's order, all green with the valid card", async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await waitForCardReady(page);
  await openDiagnostics(page);
  const ids = await page
    .locator('[data-testid^="check-"][data-status]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')!.slice('check-'.length)));
  expect(ids).toEqual([
    'pcsc-service',
    'reader',
    'remote-session',
    'card',
    'atr',
    'pkcs11-module',
    'token',
    'certificate',
    'certificate-validity',
    'certificate-issuer',
    'certificate-revocation',
    'pin-state',
    'backend',
    'backend-status',
    'clock-skew',
  ]);
  await expectCardChainGreen(page);
  for (const id of ['backend', 'backend-status', 'clock-skew']) await expectCheck(page, id, 'pass');
  await expect(page.getByTestId('diagnostics-summary')).toContainText('Alla kontroller är godkända');
  await expect(checkRow(page, 'certificate')).toContainText('SE2321000016-A1B2');
  await expectAccessible(page, 'the diagnostics view, all green');
  await page.getByRole('button', { name: 'Tillbaka' }).click();
  await expect(page.getByRole('button', { name: 'Felsökning och diagnostik' })).toBeFocused();
});

test('no card service (pcscd stopped): the first check fails with the remedy, and turns green when it starts', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await openDiagnostics(page);
  await expectCheck(page, 'card', 'pass');
  await lab.stopService();
  try {
    await expectCheck(page, 'pcsc-service', 'fail', 'Korttjänsten (PC/SC) är inte igång');
    await expect(checkRow(page, 'pcsc-service')).toContainText('pcscd');
    await expectCheck(page, 'reader', 'skip');
  } finally {
    await lab.startService();
  }
  await expectCheck(page, 'pcsc-service', 'pass', 'Korttjänsten (PC/SC) är igång');
  await expectCheck(page, 'card', 'fail', 'Inget kort i kortläsaren');
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
});

test('no card: "Inget kort" with the remedy, green once the card is inserted', async ({ app, lab }) => {
  const { page } = app;
  await openDiagnostics(page);
  await expectCheck(page, 'card', 'fail', 'Sätt i ditt SITHS-kort');
  await expectCheck(page, 'token', 'skip');
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
});

test('unknown card: the ATR is not recognised and the card cannot be read; the right card turns it green', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'unknown-card' });
  await openDiagnostics(page);
  await expectCheck(page, 'card', 'pass');
  await expectCheck(page, 'atr', 'warn', 'känns inte igen som ett SITHS-kort');
  await expectCheck(page, 'token', 'fail', 'Kortet kunde inte läsas');
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
});

test('expired card: the validity check fails with the date and "Beställ ett nytt kort"', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'expired' });
  await openDiagnostics(page);
  await expectCheck(page, 'certificate-validity', 'fail', /Certifikatet gick ut \d{4}-\d\d-\d\d\. Beställ ett nytt kort\./);
  await expectCheck(page, 'certificate-issuer', 'pass');
  await expectAccessible(page, 'the diagnostics view with a failing check');
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
});

test('untrusted card: the issuer check fails and names the issuer', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'untrusted' });
  await openDiagnostics(page);
  await expectCheck(page, 'certificate-issuer', 'fail', 'Test Untrusted Person ID CA');
  await expect(checkRow(page, 'certificate-issuer')).toContainText('rotcertifikat');
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
});

test('locked PIN: the PIN check fails with "PUK", the test signature is not offered; an unlocked card turns it green', async ({
  app,
  lab,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'locked' });
  await openDiagnostics(page);
  await expectCheck(page, 'pin-state', 'fail', 'PIN-koden är låst. Lås upp den med PUK-koden (3 försök kvar för PUK-koden)');
  await expect(page.getByRole('button', { name: 'Provsignera med PIN' })).toBeDisabled();
  await lab.insert({ profile: 'valid' });
  await expectCardChainGreen(page);
  await expect(page.getByRole('button', { name: 'Provsignera med PIN' })).toBeEnabled();
});

test('backend down: the backend check fails with the address; green again once it is back', async ({ app, lab, backend }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await openDiagnostics(page);
  await expectCheck(page, 'backend', 'pass');
  await backend.stop();
  try {
    await page.getByRole('button', { name: 'Kör kontrollerna igen' }).click();
    await expectCheck(page, 'backend', 'fail', `Tjänsten ${backend.url} gick inte att nå`);
    await expectCheck(page, 'backend-status', 'skip');
    await expectCheck(page, 'card', 'pass');
  } finally {
    await backend.start();
  }
  // The view re-runs on its own every few seconds; no button needed once the service is back.
  await expectCheck(page, 'backend', 'pass');
  await expectCheck(page, 'backend-status', 'pass');
  await expectCheck(page, 'clock-skew', 'pass');
});

test("backend reporting a disturbance: the status check fails with the operator's text; cleared, it turns green", async ({
  app,
  lab,
  backend,
}) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await openDiagnostics(page);
  await expectCheck(page, 'backend-status', 'pass', 'inga störningar');
  agency(backend.dbFile, 'message', 'set', '--severity', 'disturbance', '--text', 'Störning i inloggningen');
  await page.getByRole('button', { name: 'Kör kontrollerna igen' }).click();
  await expectCheck(page, 'backend-status', 'fail', 'Tjänsten rapporterar en störning: Störning i inloggningen');
  await expectCheck(page, 'backend', 'pass');
  agency(backend.dbFile, 'message', 'clear');
  await page.getByRole('button', { name: 'Kör kontrollerna igen' }).click();
  await expectCheck(page, 'backend-status', 'pass', 'inga störningar');
});

test('re-read the card and restart the card software from the view', async ({ app, lab }) => {
  const { page } = app;
  await lab.insert({ profile: 'valid' });
  await openDiagnostics(page);
  await page.getByRole('button', { name: 'Läs in kortet på nytt' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText('Kortet är inläst på nytt', { timeout: 20_000 });
  // The re-read alone brings the whole chain back (issue 14: it used to leave the token unreadable).
  await expectCardChainGreen(page);
  await page.getByRole('button', { name: 'Starta om kortprogramvaran' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText('Kortprogramvaran är omstartad', { timeout: 20_000 });
  await expectCardChainGreen(page);
  await page.getByRole('button', { name: 'Öppna loggmappen' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText(/loggmappen är öppnad|Loggfilerna finns i/i);
});

// Strings that could be a session token (randomBytes(32) as base64url: 43 characters) or any other
// long opaque secret. Certificate fingerprints (hex SHA-256) in the report are the only expected ones.
const LONG_OPAQUE = /[A-Za-z0-9_-]{43,}/g;

function assertNoSecrets(text: string, pins: string[], allowed: Set<string>): void {
  expect(text).not.toMatch(/bearer/i);
  for (const pin of pins) expect(text).not.toMatch(new RegExp(`(?<![0-9A-Fa-f])${pin}(?![0-9A-Fa-f])`));
  const opaque = (text.match(LONG_OPAQUE) ?? []).filter((candidate) => !allowed.has(candidate.toLowerCase()));
  expect(opaque).toEqual([]);
}

test('test signature with PIN, then the saved report of this logged-in session holds no PIN and no token', async ({
  app,
  lab,
  backend,
  folders,
}) => {
  const { page } = app;
  await insertCardAndLogIn(page, lab);

  await openDiagnostics(page);
  await expectCardChainGreen(page);
  const wrongPin = '654321';
  await page.getByRole('button', { name: 'Provsignera med PIN' }).click();
  const dialog = page.getByRole('dialog', { name: 'Provsignera med PIN' });
  const pinField = dialog.getByLabel('PIN-kod för legitimering');
  await pinField.fill(wrongPin);
  await dialog.getByRole('button', { name: 'Provsignera' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Fel PIN-kod');
  await expect(pinField).toHaveValue('');
  await expectAccessible(page, 'the test-signature PIN dialog');
  await pinField.fill(lab.pin);
  await dialog.getByRole('button', { name: 'Provsignera' }).click();
  await expect(dialog).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId('test-signature-result')).toHaveAttribute('data-verified', 'true');
  await expect(page.getByTestId('test-signature-result')).toContainText('signaturen stämmer med certifikatet');
  // Still logged in: the session token exists in main while the report is made.
  await expect(page.getByTestId('session-header')).toBeVisible();

  await page.getByRole('button', { name: 'Spara rapport' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText('Rapporten är sparad', { timeout: 20_000 });
  const [file] = readdirSync(folders.reports);
  expect(file).toMatch(/^behorighetsadmin-rapport-\d{4}-\d\d-\d\d-\d{4}\.txt$/);
  const content = readFileSync(path.join(folders.reports, file!), 'utf8');

  // What support needs is there.
  expect(content).toContain('Behörighetsadmin – supportrapport');
  expect(content).toContain('[OK] Korttjänsten (PC/SC)');
  expect(content).toContain('SE2321000016-A1B2');
  expect(content).toContain('Test SITHS e-id Person ID 3 CA');
  expect(content).toContain('Provsignering');
  expect(content).toMatch(/ATR [0-9A-F]{2}( [0-9A-F]{2})+/);
  expect(content).toContain(`backendUrl: ${backend.url}`);
  const json = JSON.parse(content.slice(content.indexOf('===== Maskinläsbar rapport (JSON) =====') + 40)) as {
    card: { tokens: { certificates: { sha256: string }[] }[] };
    recentErrors: { errorCode: string | null }[];
    configuration: { key: string; source: string }[];
  };
  expect(json.recentErrors.map((entry) => entry.errorCode)).toContain('pin-incorrect');
  expect(json.configuration.find((entry) => entry.key === 'backendUrl')?.source).toBe('flag');

  // And nothing secret: no PIN typed in this session, no token, no Authorization header.
  const fingerprints = new Set(
    json.card.tokens.flatMap((token) => token.certificates.map((certificate) => certificate.sha256.toLowerCase())),
  );
  expect(fingerprints.size).toBeGreaterThan(0);
  assertNoSecrets(content, [lab.pin, wrongPin], fingerprints);

  // "Kopiera rapport" gives the same safe text. The page gets no clipboard permission from the test:
  // in Electron the app's own permission rule lets it write; the test reads the clipboard afterwards.
  await page.getByRole('button', { name: 'Kopiera rapport' }).click();
  await expect(page.getByTestId('diagnostics-notice')).toContainText('Rapporten är kopierad', { timeout: 20_000 });
  const copied = await app.readClipboard();
  expect(copied).toContain('Behörighetsadmin – supportrapport');
  assertNoSecrets(copied, [lab.pin, wrongPin], fingerprints);

  // The log file of the session holds neither.
  const logText = readdirSync(folders.logs)
    .map((name) => readFileSync(path.join(folders.logs, name), 'utf8'))
    .join('');
  expect(logText).toContain('"component":"diagnostics"');
  assertNoSecrets(logText, [lab.pin, wrongPin], fingerprints);
  assertNoSecrets(app.mainLog(), [lab.pin, wrongPin], fingerprints);
});
