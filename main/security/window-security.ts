/** The scheme and origin our renderer is served from inside Electron. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;

export interface ContentSecurityPolicyOptions {
  /** Extra connect-src sources (the test bridge's WebSocket); none in the Electron app. */
  connectSources?: readonly string[];
}

/**
 * The renderer's Content-Security-Policy: our own files only, no inline or eval'd script,
 * no plugins, no framing, no form posts. The renderer reaches the network only through main.
 */
export function buildContentSecurityPolicy({ connectSources = [] }: ContentSecurityPolicyOptions = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    // ag-grid sets element styles at runtime; style attributes cannot run code.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...connectSources],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'self'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Navigation inside the window is allowed only to our own renderer's pages. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'renderer';
  } catch {
    return false;
  }
}
