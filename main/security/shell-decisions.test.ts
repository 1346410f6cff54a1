import { describe, expect, it } from 'vitest';
import { cardWorkerLaunchPlan, isOurTopFrame, isPermissionAllowed, originOf, windowOpenDecision } from './shell-decisions';

describe('permission requests and checks', () => {
  it('lets our own page write the report to the clipboard ("Kopiera rapport")', () => {
    // Electron gives request handlers the frame's URL and check handlers its origin.
    expect(
      isPermissionAllowed({
        permission: 'clipboard-sanitized-write',
        requesting: 'app://renderer/index.html',
        isMainFrame: true,
      }),
    ).toBe(true);
    expect(
      isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting: 'app://renderer', isMainFrame: true }),
    ).toBe(true);
  });

  it('refuses the clipboard write to any other origin, and to a subframe', () => {
    for (const requesting of [
      'https://evil.example/',
      'app://other/index.html',
      'http://127.0.0.1:4173/',
      'file:///x.html',
      '',
      null,
      undefined,
      'not a url',
    ])
      expect(
        isPermissionAllowed({ permission: 'clipboard-sanitized-write', requesting, isMainFrame: true }),
        String(requesting),
      ).toBe(false);
    expect(
      isPermissionAllowed({
        permission: 'clipboard-sanitized-write',
        requesting: 'app://renderer/index.html',
        isMainFrame: false,
      }),
    ).toBe(false);
  });

  it('refuses every other permission, our own page included (reading the clipboard too)', () => {
    for (const permission of [
      'clipboard-read',
      'deprecated-sync-clipboard-read',
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'fullscreen',
      'hid',
      'usb',
      'serial',
      'smart-card',
      'unknown',
    ])
      expect(isPermissionAllowed({ permission, requesting: 'app://renderer/index.html', isMainFrame: true }), permission).toBe(
        false,
      );
  });
});

describe('new windows', () => {
  it('never opens a window; only allow-listed https links go to the browser', () => {
    expect(windowOpenDecision('https://www.inera.se/support')).toEqual({ action: 'deny', openInBrowser: true });
    expect(windowOpenDecision('https://evil.example/')).toEqual({ action: 'deny', openInBrowser: false });
    expect(windowOpenDecision('http://www.inera.se/')).toEqual({ action: 'deny', openInBrowser: false });
    expect(windowOpenDecision('app://renderer/index.html')).toEqual({ action: 'deny', openInBrowser: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openInBrowser: false });
  });
});

describe('IPC sender', () => {
  const mainFrame = { name: 'main' };
  const ours = { mainFrame };
  it('accepts only our window top frame', () => {
    expect(isOurTopFrame({ sender: ours, senderFrame: mainFrame }, ours)).toBe(true);
    expect(isOurTopFrame({ sender: ours, senderFrame: { name: 'iframe' } }, ours)).toBe(false);
    expect(isOurTopFrame({ sender: ours, senderFrame: null }, ours)).toBe(false);
    expect(isOurTopFrame({ sender: { mainFrame }, senderFrame: mainFrame }, ours)).toBe(false);
    expect(isOurTopFrame({ sender: ours, senderFrame: mainFrame }, null)).toBe(false);
  });

  it('names origins of custom schemes as scheme and host', () => {
    expect(originOf('app://renderer/index.html')).toBe('app://renderer');
    expect(originOf('http://127.0.0.1:4173/x')).toBe('http://127.0.0.1:4173');
    expect(originOf('not a url')).toBeNull();
    expect(originOf(null)).toBeNull();
  });
});

describe('card process launch', () => {
  it('runs the built card worker, sharing stdio only in development', () => {
    expect(cardWorkerLaunchPlan({ distRoot: '/app/dist', packaged: false })).toEqual({
      entry: '/app/dist/main/card-worker.cjs',
      serviceName: 'Behörighetsadmin kortprocess',
      stdio: 'inherit',
    });
    expect(cardWorkerLaunchPlan({ distRoot: '/app/dist', packaged: true }).stdio).toBe('ignore');
  });
});
