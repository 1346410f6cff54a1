import { describe, expect, it } from 'vitest';
import { currentSessionFacts } from './doctor-checks';
import {
  CITRIX_SESSION_KEY,
  citrixSessionKeyPresent,
  remoteSessionCheck,
  remoteSessionKind,
  VOLATILE_ENVIRONMENT_KEY,
  type SessionFacts,
} from './remote-session';
import { checkWords } from './check-words';

/** The checks' words, as the doctor and the support report print them: the catalogue's Swedish. */
const SV = checkWords('sv');

const WINDOWS: SessionFacts = { platform: 'win32', sessionName: 'Console', clientName: undefined, citrixSessionKey: false };

describe('remoteSessionKind', () => {
  it('is not-windows off Windows, whatever the variables say', () => {
    expect(remoteSessionKind({ ...WINDOWS, platform: 'linux', sessionName: 'RDP-Tcp#3' })).toBe('not-windows');
    expect(remoteSessionKind({ ...WINDOWS, platform: 'darwin' })).toBe('not-windows');
  });

  it('is local at the console', () => {
    expect(remoteSessionKind(WINDOWS)).toBe('local');
    expect(remoteSessionKind({ ...WINDOWS, sessionName: undefined })).toBe('local');
  });

  it('is Remote Desktop for RDP-Tcp sessions, and for a non-console session with a client name', () => {
    expect(remoteSessionKind({ ...WINDOWS, sessionName: 'RDP-Tcp#12', clientName: 'KOMMUN-PC42' })).toBe('remote-desktop');
    expect(remoteSessionKind({ ...WINDOWS, sessionName: 'rdp-tcp#0' })).toBe('remote-desktop');
    expect(remoteSessionKind({ ...WINDOWS, sessionName: '31C5CE94259D4006A9E4#0', clientName: 'KOMMUN-PC42' })).toBe(
      'remote-desktop',
    );
    expect(remoteSessionKind({ ...WINDOWS, sessionName: undefined, clientName: 'KOMMUN-PC42' })).toBe('remote-desktop');
  });

  it('is Citrix for ICA sessions or when the Citrix session key exists', () => {
    expect(remoteSessionKind({ ...WINDOWS, sessionName: 'ICA-CGP#4', clientName: 'THIN-7' })).toBe('citrix');
    expect(remoteSessionKind({ ...WINDOWS, sessionName: 'ICA-TCP#1' })).toBe('citrix');
    expect(remoteSessionKind({ ...WINDOWS, sessionName: 'Console', citrixSessionKey: true })).toBe('citrix');
  });
});

describe('remoteSessionCheck', () => {
  it('skips off Windows, passes locally, warns with the client and the remedy in a remote session', () => {
    expect(remoteSessionCheck({ ...WINDOWS, platform: 'linux' })).toMatchObject({
      status: 'skip',
      details: { kind: 'not-windows' },
    });
    expect(remoteSessionCheck(WINDOWS)).toMatchObject({ status: 'pass', details: { kind: 'local' } });
    const rdp = remoteSessionCheck({ ...WINDOWS, sessionName: 'RDP-Tcp#2', clientName: 'KOMMUN-PC42' });
    expect(rdp).toMatchObject({ status: 'warn', details: { kind: 'remote-desktop', clientName: 'KOMMUN-PC42' } });
    expect(SV.message(rdp)).toContain('KOMMUN-PC42');
    expect(SV.message(rdp)).toContain('vidarebefordran av smartkort');
    expect(SV.message(remoteSessionCheck({ ...WINDOWS, sessionName: 'ICA-CGP#1' }))).toContain('Citrix');
  });
});

describe('citrixSessionKeyPresent: the Citrix session key in the registry', () => {
  /** A registry of subkeys by key; an Error value: the key cannot be read. */
  const registry = (keys: Record<string, string[] | Error>) => (key: string) => {
    const found = keys[key];
    if (found instanceof Error) throw found;
    return found ?? null;
  };

  it('is true when Citrix lists the user’s session (its id is a subkey of both keys)', () => {
    expect(citrixSessionKeyPresent(registry({ [CITRIX_SESSION_KEY]: ['2', '5'], [VOLATILE_ENVIRONMENT_KEY]: ['5'] }))).toBe(true);
  });

  it('is false without a Citrix VDA, or when Citrix lists only other users’ sessions', () => {
    expect(citrixSessionKeyPresent(registry({ [VOLATILE_ENVIRONMENT_KEY]: ['1'] }))).toBe(false);
    expect(citrixSessionKeyPresent(registry({ [CITRIX_SESSION_KEY]: ['2', '3'], [VOLATILE_ENVIRONMENT_KEY]: ['1'] }))).toBe(
      false,
    );
  });

  it('is null (cannot tell) when a key cannot be read or the session id is unknown', () => {
    expect(citrixSessionKeyPresent(registry({ [CITRIX_SESSION_KEY]: new Error('Access is denied.') }))).toBeNull();
    expect(citrixSessionKeyPresent(registry({ [CITRIX_SESSION_KEY]: ['2'] }))).toBeNull();
    expect(
      citrixSessionKeyPresent(registry({ [CITRIX_SESSION_KEY]: ['2'], [VOLATILE_ENVIRONMENT_KEY]: ['Software'] })),
    ).toBeNull();
  });

  it('makes a console-named session Citrix in the check (a published app keeps SESSIONNAME unset)', () => {
    const facts = currentSessionFacts(
      { SESSIONNAME: undefined, CLIENTNAME: 'THIN-7' },
      'win32',
      registry({ [CITRIX_SESSION_KEY]: ['3'], [VOLATILE_ENVIRONMENT_KEY]: ['3'] }),
    );
    expect(facts.citrixSessionKey).toBe(true);
    expect(remoteSessionCheck(facts)).toMatchObject({ status: 'warn', details: { kind: 'citrix', clientName: 'THIN-7' } });
  });

  it('never reads the registry off Windows', () => {
    const facts = currentSessionFacts({}, 'linux', () => {
      throw new Error('read');
    });
    expect(facts.citrixSessionKey).toBeNull();
    expect(remoteSessionCheck(facts).status).toBe('skip');
  });
});
