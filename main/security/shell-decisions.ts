import path from 'node:path';
import { isAllowedExternalUrl } from './external-links';
import { APP_ORIGIN } from './window-security';
import { PRODUCT_NAME } from '../../common/product';

// What the Electron shell (main/app/) decides, as plain functions tested under Node. The shell only
// wires them to Electron's events; nothing here imports electron.

/**
 * The origin of a URL, also for custom schemes (WHATWG URL reports "null" for app://renderer, so
 * scheme and host are compared instead). Null for anything that does not parse.
 */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return null;
  }
}

/** Permissions our own page may use: writing plain text to the clipboard ("Kopiera rapport"). */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

export interface PermissionAsk {
  /** Electron's permission name ('clipboard-sanitized-write', 'media', 'notifications', ...). */
  permission: string;
  /** The requesting frame's URL or origin (Electron gives a URL to request handlers, an origin to check handlers). */
  requesting: string | null | undefined;
  /** Whether the frame asking is the window's top frame. */
  isMainFrame: boolean;
}

/**
 * The session's permission rule, for both Electron's request and check handlers: everything is
 * refused except the clipboard write, and that only for our own renderer's top frame.
 */
export function isPermissionAllowed({ permission, requesting, isMainFrame }: PermissionAsk): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && isMainFrame && originOf(requesting) === APP_ORIGIN;
}

/** What to do when a page asks for a new window: never a window; allow-listed https links go to the browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openInBrowser: boolean } {
  return { action: 'deny', openInBrowser: isAllowedExternalUrl(url) };
}

/** The parts of an IPC event the sender check looks at (Electron's IpcMainInvokeEvent has them). */
export interface IpcSenderParts {
  sender: unknown;
  senderFrame: unknown;
}

/**
 * True when an IPC message comes from our window's own top frame: the same WebContents and its
 * main frame (a subframe or another WebContents is refused). The router then checks the origin.
 */
export function isOurTopFrame(event: IpcSenderParts, ours: { mainFrame: unknown } | null): boolean {
  return (
    ours !== null &&
    event.sender === ours &&
    event.senderFrame !== null &&
    event.senderFrame !== undefined &&
    event.senderFrame === ours.mainFrame
  );
}

export interface CardWorkerLaunchPlan {
  /** The built card process script. */
  entry: string;
  /** The name the OS task manager shows. */
  serviceName: string;
  /**
   * The card process's stdout/stderr: shared with ours in development; dropped in a packaged build,
   * where a Windows GUI program started without a console has no stderr to share.
   */
  stdio: 'inherit' | 'ignore';
}

/** How the Electron shell starts the card process (an Electron utilityProcess running the built card-worker.cjs). */
export function cardWorkerLaunchPlan({ distRoot, packaged }: { distRoot: string; packaged: boolean }): CardWorkerLaunchPlan {
  return {
    entry: path.join(distRoot, 'main', 'card-worker.cjs'),
    serviceName: `${PRODUCT_NAME} kortprocess`,
    stdio: packaged ? 'ignore' : 'inherit',
  };
}
