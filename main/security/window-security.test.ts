import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, isAllowedNavigation } from './window-security';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('window security', () => {
  it('has a CSP with no remote or inline script, no eval, no plugins and no framing', () => {
    const csp = directives(buildContentSecurityPolicy());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    const all = [...csp.values()].flat();
    expect(all).not.toContain("'unsafe-eval'");
    expect(all.filter((source) => /^(https?:|\*)/.test(source))).toEqual([]);
  });

  it('adds only the given WebSocket to connect-src for the test bridge', () => {
    const csp = directives(buildContentSecurityPolicy({ connectSources: ['ws://127.0.0.1:4173/bridge'] }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4173/bridge']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
  });

  it('allows navigation only inside our own renderer', () => {
    expect(isAllowedNavigation('app://renderer/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('app://other/index.html')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });
});
