import { net, session } from 'electron';
import type { BackendTransport } from '../backend/backend-transport';
import type { NetworkSettings } from '../config/app-settings';
import { chainsToExtraCa } from '../security/extra-ca';

/**
 * Backend calls through Chromium's network stack (Electron's net.fetch, for axios's own fetch
 * adapter): the system proxy settings and the OS certificate store apply, as in the municipality's
 * browser, and a proxy wanting Windows integrated authentication (NTLM, Negotiate) is answered by
 * Chromium with the user's own login. A proxy wanting Basic credentials is not answered (net.fetch
 * cancels the challenge) and the call fails as backend-proxy-auth. Errors are classified by
 * transportFailure (main/backend/backend-transport.ts).
 */
export function netFetchTransport(): BackendTransport {
  return { env: { fetch: (input, init) => net.fetch(input as string | Request, init) } };
}

/**
 * Applies the network settings to the default session net.fetch uses: a proxy from policy (else
 * the system's), and extra CA certificates accepted only where Chromium's sole complaint is an
 * unknown issuer and the chain verifies to one of them for that host.
 */
export async function applyNetworkSettings(network: NetworkSettings): Promise<void> {
  const ses = session.defaultSession;
  if (network.proxy === 'direct') await ses.setProxy({ mode: 'direct' });
  else if (network.proxy !== 'system') await ses.setProxy({ mode: 'fixed_servers', proxyRules: network.proxy });
  if (network.extraCaPems.length === 0) return;
  ses.setCertificateVerifyProc((request, callback) => {
    if (request.errorCode === 0 || request.verificationResult !== 'net::ERR_CERT_AUTHORITY_INVALID') return callback(-3);
    callback(chainsToExtraCa(request.certificate, network.extraCaPems, request.hostname) ? 0 : -3);
  });
}
