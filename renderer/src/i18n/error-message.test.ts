import { describe, expect, it } from 'vitest';
import { errorMessageKey } from './error-message';
import sv from './sv.json';

function text(catalogue: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
}

describe('error messages', () => {
  it('says plainly what a redirect and a proxy login mean', () => {
    expect(text(sv, errorMessageKey('backend-redirect'))).toMatch(/skickade vidare/);
    expect(text(sv, errorMessageKey('backend-proxy-auth'))).toMatch(/Proxyservern kräver inloggning/);
  });
});
