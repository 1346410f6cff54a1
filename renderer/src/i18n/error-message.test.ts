import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES } from '../../../common/errors/error-codes';
import { errorMessageKey } from './error-message';
import en from './en.json';
import sv from './sv.json';

function text(catalogue: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
}

describe('error messages', () => {
  it('every error code has a message in Swedish and English', () => {
    const missing = APP_ERROR_CODES.flatMap((code) =>
      [
        ['sv', sv],
        ['en', en],
      ].flatMap(([language, catalogue]) => {
        const value = text(catalogue, errorMessageKey(code));
        return typeof value === 'string' && value.length > 0 ? [] : [`${String(language)}: ${code}`];
      }),
    );
    expect(missing).toEqual([]);
  });

  it('says plainly what a redirect and a proxy login mean', () => {
    expect(text(sv, errorMessageKey('backend-redirect'))).toMatch(/skickade vidare/);
    expect(text(sv, errorMessageKey('backend-proxy-auth'))).toMatch(/Proxyservern kräver inloggning/);
  });
});
