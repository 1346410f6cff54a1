import { createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import { ensureTestPki, type CardCredentials, type TestPki } from '../cardlab/index';
import { buildApp, type App, type AppOptions } from '../../server/app';
import { TrustStore } from '../../server/auth/trust-store';
import type { AuthSettings } from '../../server/services/auth-service';
import { ManualClock } from '../../server/core/clock';
import { AgencyService } from '../../server/services/agency-service';
import { openStorage } from '../../server/storage/open-storage';
import type { Storage } from '../../server/storage/storage';

export const TEST_ORIGIN = 'https://behorighetsadmin.test';

/** The card lab's person: administrator of the test kommun. */
export const ALVA = { hsaId: 'SE2321000016-A1B2', givenName: 'Alva', surname: 'Testsson', email: 'alva@testkommunen.se' };
export const BO = { hsaId: 'SE2321000016-B2C3', givenName: 'Bo', surname: 'Testsson', email: 'bo@testkommunen.se' };
export const RUT = { hsaId: 'SE2321000131-R1A1', givenName: 'Rut', surname: 'Regionsson', email: 'rut@regiontestland.se' };

export interface TestContext {
  app: App;
  storage: Storage;
  clock: ManualClock;
  pki: TestPki;
  agency: AgencyService;
  close(): Promise<void>;
}

/**
 * A backend on a private in-memory database (or on `db`: a new SQLite file or PostgreSQL database)
 * with the card lab's PKI trusted, a kommun with one agreement (statlig-ersattning only) and two
 * administrators, and a region with one.
 */
export async function createTestContext(
  options: {
    storage?: (s: Storage) => Storage;
    db?: string;
    rateLimit?: AppOptions['rateLimit'];
    auth?: Partial<Omit<AuthSettings, 'origin'>>;
  } = {},
): Promise<TestContext> {
  const real = await openStorage(options.db ?? ':memory:');
  const storage = options.storage ? options.storage(real) : real;
  const clock = new ManualClock(new Date());
  const pki = await ensureTestPki();
  const trust = TrustStore.fromCaPems([pki.rootCa.certificatePem, pki.intermediateCa.certificatePem]);
  const agency = new AgencyService(real, clock);
  await agency.addOrganisation({
    id: 'kommun-testkommunen',
    name: 'Testkommunen',
    kind: 'kommun',
    agreements: ['statlig-ersattning'],
  });
  await agency.addOrganisation({ id: 'region-testland', name: 'Region Testland', kind: 'region', agreements: ['landsting'] });
  await agency.addAdministrator({ organisationId: 'kommun-testkommunen', ...ALVA });
  await agency.addAdministrator({ organisationId: 'kommun-testkommunen', ...BO });
  await agency.addAdministrator({ organisationId: 'region-testland', ...RUT });
  const app = buildApp({
    storage,
    clock,
    trust,
    logger: pino({ level: 'silent' }),
    // The lab's SoftHSM tokens name no OCSP responder unless a test issues them with one: revocation
    // checking is off here unless a test asks for it (server/auth/revocation-login.test.ts does).
    auth: { origin: TEST_ORIGIN, revocation: 'off', ...options.auth },
    checkResponses: true,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  return {
    app,
    storage,
    clock,
    pki,
    agency,
    close: async () => {
      await app.fastify.close();
      await real.close();
    },
  };
}

/** A session for an administrator without a card (for the administration tests), in `organisationId` or their first. */
export async function sessionFor(ctx: TestContext, hsaId: string, organisationId?: string): Promise<string> {
  const admin = await ctx.storage.findAdministrator(hsaId, organisationId);
  if (!admin) throw new Error(`no administrator ${hsaId}`);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await ctx.storage.insertSession({
    tokenHash: createHash('sha256').update(token).digest('hex'),
    administratorHsaId: hsaId,
    organisationId: admin.organisationId,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    idleExpiresAt: new Date(now.getTime() + 15 * 60_000).toISOString(),
    absoluteExpiresAt: new Date(now.getTime() + 8 * 3600_000).toISOString(),
  });
  return token;
}

/** Base64 DER of a card's authentication (or signature) certificate. */
export function certificateBase64(card: CardCredentials, which: 'authentication' | 'signature' = 'authentication'): string {
  const cred = card[which];
  if (!cred) throw new Error(`card has no ${which} certificate`);
  return Buffer.from(cred.certificateDer).toString('base64');
}
