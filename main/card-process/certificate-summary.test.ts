import { describe, expect, it } from 'vitest';
import { ensureTestPki } from '../../tests/cardlab/index';
import { summariseCertificate } from './certificate-summary';

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
