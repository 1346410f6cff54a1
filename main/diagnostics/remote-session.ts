import type { DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';

/** What the program can see of the session it runs in (Windows sets these; elsewhere they mean nothing). */
export interface SessionFacts {
  platform: NodeJS.Platform;
  /** %SESSIONNAME%: `Console` locally, `RDP-Tcp#N` over Remote Desktop, `ICA-TCP#N` / `ICA-CGP#N` under Citrix. */
  sessionName: string | undefined;
  /** %CLIENTNAME%: the client computer's name in a remote session. */
  clientName: string | undefined;
  /** A Citrix ICA session key exists for this session (HKLM\SOFTWARE\Citrix\Ica\Session\<id>); null: not looked. */
  citrixSessionKey: boolean | null;
}

/** Where Citrix's VDA keeps one key per ICA session, named by the Windows session id. */
export const CITRIX_SESSION_KEY = 'HKLM\\SOFTWARE\\Citrix\\Ica\\Session';
/** One key per logon session of this user, named by the Windows session id (SESSIONNAME and CLIENTNAME inside). */
export const VOLATILE_ENVIRONMENT_KEY = 'HKCU\\Volatile Environment';

/**
 * Whether this program's session is a Citrix ICA session, from the registry: the user's session ids
 * (the subkeys of HKCU\Volatile Environment) against the sessions Citrix's VDA lists (the subkeys of
 * HKLM\SOFTWARE\Citrix\Ica\Session). `subkeys` answers null for a key that does not exist and
 * throws when it cannot be read. Null: could not tell (no session id, or the key unreadable); false:
 * no Citrix VDA here, or none of its sessions is ours.
 */
export function citrixSessionKeyPresent(subkeys: (key: string) => string[] | null): boolean | null {
  let citrix: string[] | null;
  let ours: string[] | null;
  try {
    citrix = subkeys(CITRIX_SESSION_KEY);
    if (citrix === null) return false;
    ours = subkeys(VOLATILE_ENVIRONMENT_KEY);
  } catch {
    return null;
  }
  const sessionIds = (ours ?? []).filter((name) => /^\d+$/.test(name));
  if (sessionIds.length === 0) return null;
  return sessionIds.some((id) => citrix.includes(id));
}

export type RemoteSessionKind = 'not-windows' | 'local' | 'remote-desktop' | 'citrix';

/**
 * Whether the program runs in a Remote Desktop or Citrix session, where the card reader is the
 * client computer's, redirected: decided from the session's name, the client's name and the Citrix
 * key. Pure, so its decisions are unit-tested on any platform.
 */
export function remoteSessionKind(facts: SessionFacts): RemoteSessionKind {
  if (facts.platform !== 'win32') return 'not-windows';
  const name = (facts.sessionName ?? '').trim().toUpperCase();
  if (facts.citrixSessionKey === true || name.startsWith('ICA-')) return 'citrix';
  if (name.startsWith('RDP-')) return 'remote-desktop';
  // A session without the console's name but with a client computer's name is remote all the same.
  const client = (facts.clientName ?? '').trim();
  if (name !== 'CONSOLE' && name !== '' && client !== '') return 'remote-desktop';
  if (name === '' && client !== '' && client.toUpperCase() !== 'CONSOLE') return 'remote-desktop';
  return 'local';
}

/** The `remote-session` check: skip off Windows, pass locally, warn (with the remedy) in a remote session. */
export function remoteSessionCheck(facts: SessionFacts): DiagnosticCheck {
  const kind = remoteSessionKind(facts);
  const clientName = facts.clientName?.trim() || null;
  const details = { kind, clientName };
  switch (kind) {
    case 'not-windows':
      return { id: 'remote-session', status: 'skip', code: 'remote-session.not-windows', params: {}, details };
    case 'local':
      return { id: 'remote-session', status: 'pass', code: 'remote-session.local', params: {}, details };
    case 'remote-desktop':
    case 'citrix':
      return {
        id: 'remote-session',
        status: 'warn',
        code: kind === 'citrix' ? 'remote-session.citrix' : 'remote-session.remote-desktop',
        // The client computer's name in brackets, where Windows gives it.
        params: { client: clientName ? ` (${clientName})` : '' },
        details,
      };
  }
}
