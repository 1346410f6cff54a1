import { describe, expect, it } from 'vitest';
import { ensureTestPki } from '../../tests/cardlab/index';
import { evaluateValidity, summariseCertificate } from './certificate-summary';

// Issue 14: a certificate with basicConstraints CA:TRUE is never the card's login certificate, even
// with digitalSignature and clientAuth (certificates from the card lab's test PKI).
describe('summariseCertificate: which certificate may log in', () => {
  const options = { now: new Date(), isTrusted: () => true };

  it('takes the valid card’s authentication certificate', async () => {
    const card = await (await ensureTestPki()).issueCard('valid');
    expect(summariseCertificate(card.authentication!.certificateDer, options)).toMatchObject({ isAuthentication: true });
  });

  it('refuses an authentication certificate that says CA:TRUE', async () => {
    const card = await (await ensureTestPki()).issueCard('ca-leaf');
    const summary = summariseCertificate(card.authentication!.certificateDer, options);
    expect(summary.keyUsage).toContain('digitalSignature');
    expect(summary.isAuthentication).toBe(false);
  });
});

// Issue 18: the expiry warning threshold is policy (expiryWarningDays), 30 days unless set.
describe('the expiry warning threshold', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const now = new Date('2026-12-02T12:00:00Z');
  const notBefore = new Date(now.getTime() - 365 * DAY);
  const endingIn = (days: number) => new Date(now.getTime() + days * DAY + 60 * 60 * 1000);

  it('warns fewer than 30 whole days before the end by default', () => {
    expect(evaluateValidity(notBefore, endingIn(29), now)).toEqual({ validity: 'expiring-soon', daysLeft: 29 });
    expect(evaluateValidity(notBefore, endingIn(30), now)).toEqual({ validity: 'valid', daysLeft: 30 });
  });

  it('follows the configured number of days', () => {
    expect(evaluateValidity(notBefore, endingIn(59), now, 60).validity).toBe('expiring-soon');
    expect(evaluateValidity(notBefore, endingIn(60), now, 60).validity).toBe('valid');
    expect(evaluateValidity(notBefore, endingIn(9), now, 10).validity).toBe('expiring-soon');
    expect(evaluateValidity(notBefore, endingIn(10), now, 10).validity).toBe('valid');
  });

  it('reaches the card summary: the lab card with 10 days left warns at 30 and at 11, not at 10 or 5', async () => {
    const card = await (await ensureTestPki()).issueCard('expiring-soon');
    const der = card.authentication!.certificateDer;
    const at = (expiryWarningDays?: number) =>
      summariseCertificate(der, { now: new Date(), isTrusted: () => true, ...(expiryWarningDays ? { expiryWarningDays } : {}) })
        .validity;
    expect([at(), at(11), at(10), at(5)]).toEqual(['expiring-soon', 'expiring-soon', 'valid', 'valid']);
  });
});
