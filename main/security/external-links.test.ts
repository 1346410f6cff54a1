import { describe, expect, it, vi } from 'vitest';
import { isAllowedExternalUrl, openExternalSafely } from './external-links';

describe('external links', () => {
  it('opens an https link to an allow-listed host', async () => {
    const open = vi.fn(async () => undefined);
    expect(await openExternalSafely('https://inera.se/siths', open)).toBe(true);
    expect(open).toHaveBeenCalledWith('https://inera.se/siths');
  });

  it.each([
    'javascript:alert(1)',
    'http://inera.se/',
    'file:///etc/passwd',
    'https://evil.example/',
    'https://inera.se.evil.example/',
    'https://user:pass@inera.se/',
    'smb://server/share',
    'not a url',
  ])('refuses %s without calling the platform', async (url) => {
    const open = vi.fn(async () => undefined);
    expect(await openExternalSafely(url, open)).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});
