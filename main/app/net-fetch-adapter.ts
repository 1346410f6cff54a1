import axios, { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse } from 'axios';
import { net, session } from 'electron';
import type { NetworkSettings } from '../config/app-settings';
import { AppFailure } from '../errors/app-failure';
import { chainsToExtraCa } from '../security/extra-ca';

/**
 * Backend calls through Chromium's network stack (Electron's net.fetch): the system proxy settings
 * and the OS certificate store apply, as in the municipality's browser. A TLS failure is a
 * `backend-tls` error; nothing is ever bypassed.
 */
export function createNetFetchAdapter(): AxiosAdapter {
  return async (config) => {
    const url = axios.getUri(config);
    const headers = AxiosHeaders.from(config.headers as AxiosHeaders).toJSON(true) as Record<string, string>;
    const timeout = config.timeout ? AbortSignal.timeout(config.timeout) : null;
    const signals = [timeout, config.signal as AbortSignal | undefined].filter((signal): signal is AbortSignal =>
      Boolean(signal),
    );
    let response: Response;
    try {
      response = await net.fetch(url, {
        method: (config.method ?? 'get').toUpperCase(),
        headers,
        body: config.data === undefined || config.data === null ? undefined : (config.data as string),
        redirect: 'manual',
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const chromium = /net::(ERR_[A-Z_]+)/.exec(message)?.[1] ?? '';
      if (/^ERR_(CERT_|SSL_|BAD_SSL_)/.test(chromium))
        throw new AppFailure('backend-tls', { reason: chromium }, { cause: error });
      if (timeout?.aborted) throw new AxiosError('timeout', 'ECONNABORTED', config);
      throw new AxiosError(message, chromium || 'ERR_NETWORK', config);
    }
    const text = await response.text();
    const result: AxiosResponse = {
      data: text,
      status: response.status,
      statusText: response.statusText,
      headers: new AxiosHeaders(Object.fromEntries(response.headers.entries())),
      config,
      request: null,
    };
    const validate = config.validateStatus;
    if (!validate || validate(response.status)) return result;
    throw new AxiosError(`Request failed with status code ${response.status}`, AxiosError.ERR_BAD_RESPONSE, config, null, result);
  };
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
