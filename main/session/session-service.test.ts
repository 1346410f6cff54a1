import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LoginRequest, LoginResponse } from '../../common/api/schemas';
import { loginSignedData } from '../../common/api/login-signed-data';
import type { CardSnapshot } from '../../common/card/card-state';
import { ok } from '../../common/errors/error-codes';
import type { CardRemovalPolicy } from '../../common/session/session-state';
import { createIdleCardServiceFake } from '../../tests/fixtures/idle-card-service';
import type { BackendClient } from '../backend/backend-client';
import type { CardService } from '../card/card-service';
import { AppFailure } from '../errors/app-failure';
import { createLogger } from '../logging/logger';
import { SessionService } from './session-service';
import { testCertificate, testReader, testSnapshot, testToken } from '../../tests/fixtures/card-snapshots';

// SessionService with plain FAKES (no card lab, no backend): a card service whose snapshots the test
// pushes and whose sign() records its request, and a backend that records challenge/login/logout.
// The real chain is tested end to end in tests/e2e and tests/login.

const ORIGIN = 'https://behorighetsadmin.test';
const READER = 'Virtual PCD 00 01';
const SHA = 'a'.repeat(64);

const certificate = testCertificate({ sha256: SHA });

function cardIn(reader: { cardPresent?: boolean; eventCount?: number } = {}): CardSnapshot {
  const cardPresent = reader.cardPresent ?? true;
  return testSnapshot({
    pcsc: { service: 'running', readers: [testReader(READER, { cardPresent, eventCount: reader.eventCount ?? 1 })] },
    tokens: cardPresent ? [testToken(READER, { slotId: '7' }, certificate)] : [],
    updatedAt: '2026-12-01T00:00:00.000Z',
  });
}

const administrator: LoginResponse['administrator'] = {
  hsaId: certificate.hsaId!,
  givenName: 'Alva',
  surname: 'Testsson',
  organisation: { id: 'org-1', name: 'Testkommunen', kind: 'kommun' },
  role: 'administrator',
};

/** A SessionService over the card and backend given, logging nowhere. */
function sessionOver(card: CardService, backend: BackendClient | null, removalPolicy: CardRemovalPolicy = 'logout') {
  return new SessionService({
    card,
    backend,
    origin: ORIGIN,
    removalPolicy,
    logger: createLogger({ destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
  });
}

function setup(removalPolicy: CardRemovalPolicy = 'logout', organisations: LoginResponse['organisations'] = []) {
  const card = createIdleCardServiceFake();
  const signed: { slotId: string; certificateSha256: string; data: Uint8Array | string; pin: string }[] = [];
  card.sign = async (request) => {
    signed.push(request as (typeof signed)[number]);
    return ok({ algorithm: 'RS256' as const, signatureBase64: 'c2ln', certificateBase64: 'Y2VydA==' });
  };
  card.push(cardIn());
  const logins: LoginRequest[] = [];
  const logouts: string[] = [];
  const backend = {
    challenge: async () => ({ nonce: 'bm9uY2U=', expiresAt: '2026-12-01T00:05:00.000Z' }),
    login: async (request: LoginRequest): Promise<LoginResponse> => {
      logins.push(request);
      return {
        token: 'session-token',
        expiresAt: '2099-01-01T00:00:00.000Z',
        idleTimeoutSeconds: 900,
        administrator,
        organisations,
      };
    },
    logout: async (token: string) => {
      logouts.push(token);
    },
  } as unknown as BackendClient; // FAKE: only the calls SessionService makes
  const session = sessionOver(card, backend, removalPolicy);
  return { card, session, signed, logins, logouts };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionService: login', () => {
  it('signs the origin-bound challenge with the PIN on the reader\u2019s token and keeps the token in main', async () => {
    const { session, signed, logins } = setup();
    const state = await session.login('123456');
    expect(signed).toEqual([{ slotId: '7', certificateSha256: SHA, data: loginSignedData(ORIGIN, 'bm9uY2U='), pin: '123456' }]);
    expect(logins).toEqual([
      { certificate: 'Y2VydA==', signature: 'c2ln', algorithm: 'RS256', nonce: 'bm9uY2U=', origin: ORIGIN },
    ]);
    expect(state).toEqual({
      status: 'logged-in',
      administrator,
      expiresAt: '2099-01-01T00:00:00.000Z',
      organisations: [],
      organisationChosen: true,
    });
    expect(JSON.stringify(session.state())).not.toContain('session-token');
    expect(await session.withToken(async (token) => token)).toBe('session-token');
  });

  it('asks for a choice first when the person has several organisations', async () => {
    const two = [
      { id: 'org-1', name: 'Testkommunen', kind: 'kommun' as const, role: 'administrator' as const, ended: false },
      { id: 'org-2', name: 'Testregionen', kind: 'region' as const, role: 'administrator' as const, ended: false },
    ];
    const { session } = setup('logout', two);
    expect(await session.login('123456')).toMatchObject({ status: 'logged-in', organisationChosen: false });
  });

  it('refuses without a backend and before the PIN without a card', async () => {
    const { card, session, signed } = setup();
    card.push(cardIn({ cardPresent: false }));
    await expect(session.login('123456')).rejects.toBeInstanceOf(AppFailure);
    expect(signed).toEqual([]);
    const noBackend = sessionOver(card, null);
    await expect(noBackend.login('123456')).rejects.toMatchObject({ code: 'backend-not-configured' });
  });
});

describe('SessionService: administration calls', () => {
  it('runs a backend call with the session token: not logged in first, then no backend configured', async () => {
    const { session, card } = setup();
    const calls: string[] = [];
    const call = async (_api: BackendClient, token: string) => void calls.push(token);
    await expect(session.withBackend(call)).rejects.toMatchObject({ code: 'not-logged-in' });
    await session.login('123456');
    await session.withBackend(call);
    expect(calls).toEqual(['session-token']);

    const noBackend = sessionOver(card, null);
    await expect(noBackend.withBackend(call)).rejects.toMatchObject({ code: 'not-logged-in' });
    expect(calls).toEqual(['session-token']);
  });
});

describe('SessionService: card removal', () => {
  it("policy 'logout': pulling the card logs out and gives the token back to the backend", async () => {
    const { card, session, logouts } = setup('logout');
    await session.login('123456');
    card.push(cardIn({ cardPresent: false }));
    await settle();
    expect(session.state()).toEqual({ status: 'logged-out', reason: 'card-removed' });
    expect(logouts).toEqual(['session-token']);
    await expect(session.withToken(async (token) => token)).rejects.toMatchObject({ code: 'not-logged-in' });
  });

  it("policy 'lock': pulling the card locks the window (who was logged in stays) and forgets the token", async () => {
    const { card, session, logouts } = setup('lock');
    await session.login('123456');
    card.push(cardIn({ cardPresent: false }));
    await settle();
    expect(session.state()).toEqual({ status: 'locked', administrator });
    expect(logouts).toEqual(['session-token']);
    await expect(session.withToken(async (token) => token)).rejects.toMatchObject({ code: 'not-logged-in' });
  });

  it('a card pulled and put back between two snapshots (a new reader event) counts as removed', async () => {
    const { card, session } = setup('logout');
    await session.login('123456');
    card.push(cardIn({ eventCount: 1 }));
    expect(session.state().status).toBe('logged-in');
    card.push(cardIn({ eventCount: 3 }));
    await settle();
    expect(session.state()).toEqual({ status: 'logged-out', reason: 'card-removed' });
  });

  it('a session the backend says has expired ends as expired; pulling the card then logs out', async () => {
    const { card, session } = setup('logout');
    await session.login('123456');
    await expect(
      session.withToken(async () => {
        throw new AppFailure('session-expired');
      }),
    ).rejects.toMatchObject({ code: 'session-expired' });
    expect(session.state()).toEqual({ status: 'expired', administrator });
    card.push(cardIn({ cardPresent: false }));
    expect(session.state()).toEqual({ status: 'logged-out', reason: 'card-removed' });
  });
});
