import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAB_PERSON,
  provisionSoftHsmToken,
  type CardCredentials,
  type CardProfileName,
  type LabPerson,
  type SoftHsmToken,
} from '../../tests/cardlab/index';
import { signOnToken, type TokenAlgorithm } from '../../tests/server-support/pkcs11-signer';
import {
  ALVA,
  BO,
  certificateBase64,
  createTestContext,
  TEST_ORIGIN,
  type TestContext,
} from '../../tests/server-support/test-context';
import { loginSignedData } from '../../common/api/login-signed-data';

// Every login here is signed through a real PKCS#11 token (SoftHSM2) holding the card lab's keys.
let ctx: TestContext;
const tokens = new Map<string, { card: CardCredentials; token: SoftHsmToken }>();

/** A card lab SoftHSM2 token for this profile and person (one per test file). */
async function card(profile: CardProfileName, person: LabPerson = LAB_PERSON) {
  const key = `${profile}|${person.hsaId}`;
  let entry = tokens.get(key);
  if (!entry) {
    const token = await provisionSoftHsmToken({ profile, person, label: `server-${tokens.size}` });
    entry = { card: token.credentials, token };
    tokens.set(key, entry);
  }
  return entry;
}

async function challenge(): Promise<string> {
  const res = await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' });
  expect(res.statusCode).toBe(200);
  return res.json<{ nonce: string }>().nonce;
}

interface LoginOptions {
  profile?: CardProfileName;
  person?: LabPerson;
  which?: 'authentication' | 'signature';
  algorithm?: TokenAlgorithm;
  /** Algorithm name sent, when it should differ from the one signed with. */
  sentAlgorithm?: string;
  nonce?: string;
  origin?: string;
  signedOrigin?: string;
  tamper?: boolean;
}

async function login(o: LoginOptions = {}) {
  const { card: c, token } = await card(o.profile ?? 'valid', o.person);
  const which = o.which ?? 'authentication';
  const nonce = o.nonce ?? (await challenge());
  const origin = o.origin ?? TEST_ORIGIN;
  const algorithm = o.algorithm ?? (c.keyAlgorithm === 'ec-p256' ? 'ES256' : 'RS256');
  const cred = c[which];
  if (!cred) throw new Error('no credential');
  const signature = signOnToken(
    token,
    cred.certificateDer,
    Buffer.from(loginSignedData(o.signedOrigin ?? origin, nonce)),
    algorithm,
  );
  if (o.tamper) signature[10] = (signature[10] ?? 0) ^ 0x01;
  const res = await ctx.app.fastify.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: {
      certificate: certificateBase64(c, which),
      signature: signature.toString('base64'),
      algorithm: o.sentAlgorithm ?? algorithm,
      nonce,
      origin,
    },
  });
  return { res, nonce, body: res.json<Record<string, unknown>>() };
}

function errorCode(body: Record<string, unknown>): unknown {
  return (body.error as { code?: unknown } | undefined)?.code;
}

beforeAll(async () => {
  ctx = await createTestContext();
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await Promise.all([...tokens.values()].map((t) => t.token.dispose()));
});

describe('POST /api/v1/auth/login with the card lab PKI and a PKCS#11 token', () => {
  it('logs in the administrator with the RSA authentication key (RS256) and opens a session', async () => {
    const { res, body } = await login();
    expect(res.statusCode).toBe(200);
    expect(body.administrator).toEqual({
      hsaId: LAB_PERSON.hsaId,
      givenName: 'Alva',
      surname: 'Testsson',
      organisation: { id: 'kommun-testkommunen', name: 'Testkommunen', kind: 'kommun' },
      role: 'administrator',
    });
    expect(body.organisations).toEqual([
      { id: 'kommun-testkommunen', name: 'Testkommunen', kind: 'kommun', role: 'administrator', ended: false },
    ]);
    const org = await ctx.app.fastify.inject({
      method: 'GET',
      url: '/api/v1/organisation',
      headers: { authorization: `Bearer ${String(body.token)}` },
    });
    expect(org.statusCode).toBe(200);
    expect(org.json<{ name: string }>().name).toBe('Testkommunen');
    expect((await ctx.storage.findAdministrator(LAB_PERSON.hsaId))?.lastLoginAt).toBe(ctx.clock.now().toISOString());
  });

  it('accepts PS256 from the RSA key and ES256 (raw r‖s from CKM_ECDSA) from the ECC card', async () => {
    expect((await login({ algorithm: 'PS256' })).res.statusCode).toBe(200);
    const ecc = await login({ profile: 'ecc' });
    expect(ecc.res.statusCode, JSON.stringify(ecc.body)).toBe(200);
  });

  it('refuses a replayed nonce', async () => {
    const first = await login();
    expect(first.res.statusCode).toBe(200);
    const replay = await login({ nonce: first.nonce });
    expect(replay.res.statusCode).toBe(401);
    expect(errorCode(replay.body)).toBe('challenge-used');
  });

  it('refuses an expired nonce (older than 5 minutes) and an unknown one', async () => {
    const nonce = await challenge();
    ctx.clock.advance(5 * 60_000 + 1_000);
    const expired = await login({ nonce });
    expect(expired.res.statusCode).toBe(401);
    expect(errorCode(expired.body)).toBe('challenge-expired');
    const unknown = await login({ nonce: Buffer.alloc(32, 7).toString('base64') });
    expect(errorCode(unknown.body)).toBe('challenge-unknown');
  });

  it('refuses a wrong origin, and a signature bound to another origin', async () => {
    const wrong = await login({ origin: 'https://evil.example' });
    expect(wrong.res.statusCode).toBe(401);
    expect(errorCode(wrong.body)).toBe('origin-mismatch');
    const replayedElsewhere = await login({ signedOrigin: 'https://evil.example' });
    expect(errorCode(replayedElsewhere.body)).toBe('signature-invalid');
  });

  it('refuses a tampered signature and burns the nonce anyway', async () => {
    const tampered = await login({ tamper: true });
    expect(tampered.res.statusCode).toBe(401);
    expect(errorCode(tampered.body)).toBe('signature-invalid');
    const retry = await login({ nonce: tampered.nonce });
    expect(errorCode(retry.body)).toBe('challenge-used');
  });

  it('refuses an unknown algorithm, and an algorithm that does not fit the key', async () => {
    const unknown = await login({ sentAlgorithm: 'HS256' });
    expect(unknown.res.statusCode).toBe(401);
    expect(errorCode(unknown.body)).toBe('algorithm-unsupported');
    const mismatch = await login({ sentAlgorithm: 'ES256' });
    expect(errorCode(mismatch.body)).toBe('algorithm-mismatch');
  });

  it.each([
    ['expired', 'certificate-expired'],
    ['not-yet-valid', 'certificate-not-yet-valid'],
    ['untrusted', 'certificate-untrusted'],
  ] as const)('refuses the %s card with %s', async (profile, code) => {
    const { res, body } = await login({ profile });
    expect(res.statusCode).toBe(401);
    expect(errorCode(body)).toBe(code);
  });

  it('refuses the signature certificate (nonRepudiation) instead of the authentication one', async () => {
    const { res, body } = await login({ which: 'signature' });
    expect(res.statusCode).toBe(401);
    expect(errorCode(body)).toBe('certificate-key-usage');
  });

  it('refuses an authentication certificate that says basicConstraints CA:TRUE', async () => {
    // Valid chain, digitalSignature and clientAuth: only the CA flag is wrong.
    const { res, body } = await login({ profile: 'ca-leaf' });
    expect(res.statusCode).toBe(401);
    expect(errorCode(body)).toBe('certificate-key-usage');
  });

  it("refuses a user who is not an administrator, naming their organisation's orderer and administrators; a stranger learns nothing", async () => {
    const stranger = await login({ person: { ...LAB_PERSON, hsaId: 'SE2321000016-ZZZ9' } });
    expect(stranger.res.statusCode).toBe(401);
    expect(stranger.body).toEqual({ error: { code: 'not-authorised', message: 'Ingen administratörsbehörighet' } });

    const admin = await sessionToken();
    const created = await ctx.app.fastify.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${admin}` },
      payload: { givenName: 'Ulla', surname: 'Användare', hsaId: 'SE2321000016-U5E5', email: 'ulla@testkommunen.se' },
    });
    expect(created.statusCode).toBe(201);
    await ctx.agency.addAdministrator({
      organisationId: 'kommun-testkommunen',
      hsaId: 'SE2321000016-O1B1',
      givenName: 'Olle',
      surname: 'Beställarsson',
      email: 'olle@testkommunen.se',
      role: 'authorised-orderer',
    });
    const ulla = { ...LAB_PERSON, givenName: 'Ulla', hsaId: 'SE2321000016-U5E5' };
    const user = await login({ person: ulla });
    expect(user.res.statusCode).toBe(401);
    // Source 004: users can see who their organisation's authorised orderer and administrators are.
    const kommun = 'Testkommunen';
    expect(user.body).toEqual({
      error: {
        ...(stranger.body as { error: object }).error,
        contacts: [
          {
            organisation: kommun,
            role: 'authorised-orderer',
            givenName: 'Olle',
            surname: 'Beställarsson',
            email: 'olle@testkommunen.se',
          },
          { organisation: kommun, role: 'administrator', givenName: ALVA.givenName, surname: ALVA.surname, email: ALVA.email },
          { organisation: kommun, role: 'administrator', givenName: BO.givenName, surname: BO.surname, email: BO.email },
        ],
      },
    });
    // Only after the card's signature holds: a forged login in the user's name learns nothing.
    const forged = await login({ person: ulla, tamper: true });
    expect(forged.res.statusCode).toBe(401);
    expect(forged.body).not.toHaveProperty('error.contacts');
  });

  it('logs out at once: the token is refused afterwards', async () => {
    const token = await sessionToken();
    const auth = { authorization: `Bearer ${token}` };
    expect((await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/users', headers: auth })).statusCode).toBe(200);
    expect((await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth })).statusCode).toBe(204);
    const after = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/users', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('ends a session after 15 idle minutes, and after 8 hours however busy', async () => {
    const idle = await sessionToken();
    ctx.clock.advance(15 * 60_000 + 1);
    const res = await ctx.app.fastify.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${idle}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'session-expired' } });

    const busy = await sessionToken();
    for (let minutes = 0; minutes < 8 * 60; minutes += 10) {
      ctx.clock.advance(10 * 60_000);
      const r = await ctx.app.fastify.inject({
        method: 'GET',
        url: '/api/v1/organisation',
        headers: { authorization: `Bearer ${busy}` },
      });
      if (minutes + 10 < 8 * 60) expect(r.statusCode).toBe(200);
      else expect(r.json()).toMatchObject({ error: { code: 'session-expired' } });
    }
  });

  it('answers a garbage certificate with 400 and leaves the nonce usable', async () => {
    const nonce = await challenge();
    const res = await ctx.app.fastify.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        certificate: Buffer.from('not a certificate').toString('base64'),
        signature: 'AAAA',
        algorithm: 'RS256',
        nonce,
        origin: TEST_ORIGIN,
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'certificate-malformed', fields: { certificate: expect.any(String) } } });
    expect((await login({ nonce })).res.statusCode).toBe(200);
  });
});

async function sessionToken(): Promise<string> {
  const { res, body } = await login();
  expect(res.statusCode).toBe(200);
  return String(body.token);
}
