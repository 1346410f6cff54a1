import { describe, expect, it } from 'vitest';
import { LOGIN_BLOCKERS, type LoginReadiness } from '../../../common/card/login-readiness';
import { REVOCATION_NOT_CHECKED, type CertificateSummary } from '../../../common/card/card-state';
import { testCertificate, testReader } from '../../../tests/fixtures/card-snapshots';
import { createI18n } from '../i18n/i18n';
import { cardChoiceText } from './card-choice-text';

const certificate = testCertificate({
  subject: 'CN=Bertil Andersson',
  commonName: 'Bertil Andersson',
  givenName: 'Bertil',
  surname: 'Andersson',
  hsaId: 'SE2321000016-B2C3',
  revocation: REVOCATION_NOT_CHECKED,
});
const reader = testReader('Virtual PCD 00 01');

function readiness(patch: Partial<CertificateSummary> | null, blockers: LoginReadiness['blockers'] = []): LoginReadiness {
  return { reader, token: null, certificate: patch ? { ...certificate, ...patch } : null, blockers, warnings: [] };
}

describe('the card chooser says, for each card present', () => {
  it('holder, HSA-id, validity, reader and that it can log in', async () => {
    const i18n = await createI18n('sv');
    const text = cardChoiceText(readiness({}));
    expect(text.canLogIn).toBe(true);
    expect([
      i18n.t(text.name.key, text.name.params),
      text.hsaId,
      i18n.t(text.validity!.key, text.validity!.params),
      text.reader,
      i18n.t(text.status.key),
    ]).toEqual([
      'Bertil Andersson',
      'SE2321000016-B2C3',
      'Certifikatet gäller till 2028-01-01',
      'Virtual PCD 00 01',
      'Kan användas för inloggning',
    ]);
  });

  it('why a card cannot log in, in the readiness rule’s words', async () => {
    const i18n = await createI18n('sv');
    const text = cardChoiceText(
      readiness({ validity: 'expired', notAfter: '2026-11-30T00:00:00.000Z' }, ['certificate-expired']),
    );
    expect(text.canLogIn).toBe(false);
    expect(i18n.t(text.validity!.key, text.validity!.params)).toBe('Certifikatet gick ut 2026-11-30');
    expect(i18n.t(text.status.key)).toBe('certifikatet har gått ut.');
    expect(i18n.t(cardChoiceText(readiness(null, ['unknown-card'])).name.key)).toBe('Okänt kort (inte ett SITHS-kort)');
  });

  it.each(['sv', 'en'] as const)('has words in %s for every text it can give', async (language) => {
    const i18n = await createI18n(language);
    const texts = [
      ...(['valid', 'expiring-soon', 'expired', 'not-yet-valid'] as const).map((validity) =>
        cardChoiceText(readiness({ validity })),
      ),
      ...LOGIN_BLOCKERS.map((blocker) => cardChoiceText(readiness(null, [blocker]))),
    ];
    const keys = [
      ...texts.flatMap((text) => [text.name.key, text.status.key, ...(text.validity ? [text.validity.key] : [])]),
      'cardChoice.legend',
      'cardChoice.cannotLogIn',
      'cardChoice.chooseFirst',
    ];
    for (const key of keys) expect(i18n.exists(key, { lng: language, fallbackLng: [] }), `${language}: ${key}`).toBe(true);
  });
});
