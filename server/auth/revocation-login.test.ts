import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LAB_PERSON,
  provisionSoftHsmToken,
  type CardProfileName,
  type LabPerson,
  type SoftHsmToken,
} from '../../tests/cardlab/index';
import { startRevocationResponder, type RevocationResponder } from '../../tests/cardlab/revocation-responder';
import type { RevocationPolicy } from '../services/auth-service';
import { signOnToken } from '../../tests/server-support/pkcs11-signer';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../../tests/server-support/test-context';
import { ensureTestPki } from '../../tests/cardlab/index';
import { loginSignedData } from '../../common/api/login-signed-data';

// Every login's certificate is checked against the lab's real OCSP responder (and CRL) on loopback;
// the signatures come from SoftHSM2 tokens holding the lab's keys.
let responder: RevocationResponder;
const contexts = new Map<RevocationPolicy, TestContext>();
const tokens = new Map<string, SoftHsmToken>();

async function token(profile: CardProfileName, person: LabPerson = LAB_PERSON, withResponder = true): Promise<SoftHsmToken> {
  const key = `${profile}|${JSON.stringify(person)}|${withResponder}`;
  let entry = tokens.get(key);
  if (!entry) {
    entry = await provisionSoftHsmToken({
      profile,
      person,
      label: `revocation-${tokens.size}`,
      ...(withResponder ? { revocation: responder } : {}),
    });
    tokens.set(key, entry);
  }
  return entry;
}

async function login(policy: RevocationPolicy, card: SoftHsmToken) {
  const ctx = contexts.get(policy)!;
  const challenge = await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' });
  const { nonce } = challenge.json<{ nonce: string }>();
  const cert = card.credentials.authentication!;
  const signature = signOnToken(card, cert.certificateDer, Buffer.from(loginSignedData(TEST_ORIGIN, nonce)), 'RS256');
  const res = await ctx.app.fastify.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: {
      certificate: Buffer.from(cert.certificateDer).toString('base64'),
      signature: signature.toString('base64'),
      algorithm: 'RS256',
      nonce,
      origin: TEST_ORIGIN,
    },
  });
  const body = res.json<{ error?: { code: string }; token?: string }>();
  return { status: res.statusCode, code: body.error?.code ?? null };
}

beforeAll(async () => {
  responder = await startRevocationResponder((await ensureTestPki()).issuingCa);
  contexts.set('require', await createTestContext({ auth: { revocation: 'require' } }));
  contexts.set('soft-fail', await createTestContext({ auth: { revocation: 'soft-fail' } }));
}, 120_000);

afterAll(async () => {
  for (const ctx of contexts.values()) await ctx.close();
  await Promise.all([...tokens.values()].map((t) => t.dispose()));
  await responder?.stop();
});

afterEach(async () => {
  await responder.setMode({ ocsp: 'up', crl: 'up' });
});

describe('login with the revocation check (fail-closed by default)', () => {
  it('accepts the valid card after a good OCSP answer', async () => {
    const before = responder.requests.ocsp;
    expect(await login('require', await token('valid'))).toEqual({ status: 200, code: null });
    expect(responder.requests.ocsp).toBeGreaterThan(before);
  });

  it('refuses the revoked card with certificate-revoked', async () => {
    const revoked = await token('revoked', { ...LAB_PERSON });
    expect(await login('require', revoked)).toEqual({ status: 401, code: 'certificate-revoked' });
  });

  it('refuses with revocation-unavailable when neither the responder nor the CRL answers', async () => {
    const card = await token('valid', { ...LAB_PERSON, givenName: 'Nere' });
    await responder.setMode({ ocsp: 'down', crl: 'down' });
    expect(await login('require', card)).toEqual({ status: 401, code: 'revocation-unavailable' });
  });

  it('falls back to the CRL when the responder is down: good accepted, revoked refused', async () => {
    const card = await token('valid', { ...LAB_PERSON, givenName: 'Lista' });
    const revoked = await token('revoked', { ...LAB_PERSON, givenName: 'Lista' });
    await responder.setMode({ ocsp: 'down' });
    expect(await login('require', card)).toEqual({ status: 200, code: null });
    expect(await login('require', revoked)).toEqual({ status: 401, code: 'certificate-revoked' });
  });

  it('refuses with revocation-unavailable when the responder answers unknown', async () => {
    const card = await token('valid', { ...LAB_PERSON, givenName: 'Okand' });
    await responder.setMode({ ocsp: 'unknown' });
    expect(await login('require', card)).toEqual({ status: 401, code: 'revocation-unavailable' });
  });

  it('refuses a certificate that names no responder and no CRL', async () => {
    expect(await login('require', await token('valid', LAB_PERSON, false))).toEqual({
      status: 401,
      code: 'revocation-unavailable',
    });
  });
});

describe('login with --revocation soft-fail', () => {
  it('lets the login through with the responder down, and records an audit entry naming the responder', async () => {
    const ctx = contexts.get('soft-fail')!;
    const card = await token('valid', { ...LAB_PERSON, givenName: 'Mjuk' });
    await responder.setMode({ ocsp: 'down', crl: 'down' });
    expect(await login('soft-fail', card)).toEqual({ status: 200, code: null });
    const audit = await ctx.storage.listAudit('kommun-testkommunen', { limit: 10 });
    expect(audit.find((entry) => entry.action === 'administrator.login-revocation-unchecked')).toMatchObject({
      actor: LAB_PERSON.hsaId,
      targetType: 'administrator',
      targetId: LAB_PERSON.hsaId,
      after: { status: 'unknown', reason: 'unreachable', responder: responder.ocspUrl },
    });
  });

  it('still refuses a revoked card, and audits nothing for a good one', async () => {
    const ctx = contexts.get('soft-fail')!;
    expect(await login('soft-fail', await token('revoked', { ...LAB_PERSON, givenName: 'Mjuk' }))).toEqual({
      status: 401,
      code: 'certificate-revoked',
    });
    const before = (await ctx.storage.listAudit('kommun-testkommunen', { limit: 100 })).length;
    expect(await login('soft-fail', await token('valid'))).toEqual({ status: 200, code: null });
    expect((await ctx.storage.listAudit('kommun-testkommunen', { limit: 100 })).length).toBe(before);
  });
});
