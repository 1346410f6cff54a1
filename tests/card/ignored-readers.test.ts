import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import { loginReadiness } from '../../common/card/login-readiness';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { runDoctorChecks } from '../../main/diagnostics/doctor-checks';
import { buildSupportReport, renderSupportReportText } from '../../main/diagnostics/support-report-builder';
import { IMPOSTOR_READER_INDEX, LAB_PERSON, startCardLab, type CardLab } from '../cardlab/index';
import { startSupervisor } from './card-test-support';

// Impostor readers: a reader whose name matches the ignore list (here the lab's "Microsoft Virtual
// Smart Card 00 00", named as Windows names TPM virtual smart cards) holds a valid card. The card
// process never offers that card (no token, no login), and the diagnostics name the reader as ignored.
let lab: CardLab;
const cards: CardProcessSupervisor[] = [];
const IMPOSTOR_PERSON = { ...LAB_PERSON, givenName: 'Ingrid', hsaId: 'SE2321000016-I9I9' };

function supervisor(ignoredReaders?: string[]): CardProcessSupervisor {
  const card = startSupervisor({
    modulePath: lab.pkcs11Module,
    trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath],
    ...(ignoredReaders ? { ignoredReaders } : {}),
  });
  cards.push(card);
  return card;
}

async function settled(card: CardProcessSupervisor, until: (snapshot: CardSnapshot) => boolean): Promise<CardSnapshot> {
  const snapshot = await card.waitFor((s) => s.process === 'running' && s.pcsc.service === 'running' && until(s), 20_000);
  if (!snapshot) throw new Error('the card process never reached the expected state');
  // One more full read (tokens and counters), as diagnostics makes.
  const refreshed = await card.refresh();
  if (!refreshed.ok) throw new Error(`refresh failed: ${refreshed.error.code}`);
  return refreshed.value;
}

beforeAll(async () => {
  lab = await startCardLab({ lockTimeoutMs: 240_000 });
  await lab.insert({ profile: 'valid', reader: IMPOSTOR_READER_INDEX, person: IMPOSTOR_PERSON });
}, 250_000);

afterAll(async () => {
  for (const card of cards) card.stop();
  await lab?.stop();
});

describe('a reader named like a TPM virtual smart card', () => {
  it('is offered with its card when nothing is ignored (the lab card is a real token there)', async () => {
    const card = supervisor([]);
    const snapshot = await settled(card, (s) => s.tokens.some((token) => token.authCertificate?.hsaId === IMPOSTOR_PERSON.hsaId));
    expect(snapshot.pcsc.readers.map((reader) => reader.name)).toContain(lab.impostorReader);
    card.stop();
  });

  it('is ignored by default: its card is never a token, the login has no card, diagnostics say why', async () => {
    const card = supervisor();
    const snapshot = await settled(card, (s) => (s.pcsc.ignoredReaders ?? []).some((reader) => reader.cardPresent));
    expect(snapshot.pcsc.readers.map((reader) => reader.name)).toEqual(lab.readers);
    // Both of the impostor's vpcd slots are ignored; the card is in the first.
    expect(snapshot.pcsc.ignoredReaders).toEqual([
      expect.objectContaining({ name: lab.impostorReader, cardPresent: true, pattern: 'Microsoft Virtual Smart Card*' }),
      expect.objectContaining({
        name: 'Microsoft Virtual Smart Card 00 01',
        cardPresent: false,
        pattern: 'Microsoft Virtual Smart Card*',
      }),
    ]);
    expect(snapshot.tokens.map((token) => token.authCertificate?.hsaId)).not.toContain(IMPOSTOR_PERSON.hsaId);
    expect(snapshot.tokens).toEqual([]);
    expect(snapshot.slotErrors ?? []).toEqual([]);
    const readiness = loginReadiness(snapshot);
    expect(readiness.reader).toBeNull();
    expect(readiness.blockers).toEqual(['no-card']);

    const checks = runDoctorChecks({
      card: snapshot,
      policyLocation: '/etc/behorighetsadmin/policy.json',
      backend: null,
      backendUrl: null,
      now: new Date(),
    });
    const reader = checks.find((check) => check.id === 'reader')!;
    expect(reader.status).toBe('pass');
    expect(reader.notes).toEqual([
      {
        code: 'reader-ignored',
        params: { reader: lab.impostorReader, pattern: 'Microsoft Virtual Smart Card*', card: 'yes' },
      },
      {
        code: 'reader-ignored',
        params: { reader: 'Microsoft Virtual Smart Card 00 01', pattern: 'Microsoft Virtual Smart Card*', card: 'no' },
      },
    ]);
    expect(checks.find((check) => check.id === 'card')?.status).toBe('fail');

    const report = buildSupportReport({
      createdAt: new Date(),
      app: {
        productName: 'Behörighetsadmin',
        version: 'test',
        transport: 'test',
        electronVersion: null,
        nodeVersion: process.versions.node,
      },
      system: { platform: 'linux', arch: 'x64', release: 'test', osVersion: null },
      configuration: [],
      checks,
      card: snapshot,
      testSignature: null,
      recentErrors: [],
    });
    expect(report.card.ignoredReaders?.[0]).toEqual({
      name: lab.impostorReader,
      cardPresent: true,
      atr: expect.any(String),
      pattern: 'Microsoft Virtual Smart Card*',
    });
    expect(renderSupportReportText(report)).toContain(`Kortläsaren "${lab.impostorReader}" används inte`);
  });

  it('leaves the real reader alone: a card there is the one a login uses', async () => {
    const card = supervisor();
    await lab.insert({ profile: 'valid', reader: 0 });
    const snapshot = await settled(card, (s) => s.tokens.some((token) => token.authCertificate?.hsaId === LAB_PERSON.hsaId));
    expect(snapshot.tokens.map((token) => token.authCertificate?.hsaId)).toEqual([LAB_PERSON.hsaId]);
    const readiness = loginReadiness(snapshot);
    expect(readiness.reader?.name).toBe(lab.readers[0]);
    expect(readiness.certificate?.hsaId).toBe(LAB_PERSON.hsaId);
    await lab.remove(0);
  });
});
