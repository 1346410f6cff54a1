import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import axios, { type AxiosAdapter } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { NetworkSettings } from '../config/app-settings';
import { AppFailure } from '../errors/app-failure';

/** TLS failures from Node and OpenSSL: each is a `backend-tls` error, never retried without checks. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET_ISSUER)|HOSTNAME_MISMATCH$)/;

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current.code === 'string') codes.push(current.code);
    current = current.cause as typeof current;
  }
  return codes;
}

/** A CONNECT tunnel through the proxy whose TLS to the backend trusts `ca` (the agent's own options reach only the proxy). */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly targetTls: tls.ConnectionOptions,
  ) {
    super(proxy, { keepAlive: true });
  }

  override connect(request: http.ClientRequest, options: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    return super.connect(request, { ...options, ...this.targetTls } as typeof options);
  }
}

/**
 * Backend calls over Node's own HTTP stack (the test bridge, tests, the doctor): the proxy and the
 * extra CA certificates from the settings apply; the system's CA store stays trusted besides them.
 * Certificate checks are never turned off.
 */
export function createNodeHttpAdapter(network: NetworkSettings): AxiosAdapter {
  const ca = network.extraCaPems.length > 0 ? [...tls.rootCertificates, ...network.extraCaPems] : undefined;
  const tlsOptions = { ...(ca ? { ca } : {}), rejectUnauthorized: true, keepAlive: true };
  const explicitProxy = network.proxy !== 'system' && network.proxy !== 'direct' ? new URL(network.proxy) : null;
  const httpsAgent = explicitProxy
    ? new TunnelAgent(explicitProxy.href, { ...(ca ? { ca } : {}), rejectUnauthorized: true })
    : new https.Agent(tlsOptions);
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpProxy = explicitProxy
    ? {
        protocol: explicitProxy.protocol.replace(':', ''),
        host: explicitProxy.hostname,
        port: Number(explicitProxy.port || (explicitProxy.protocol === 'https:' ? 443 : 80)),
      }
    : false;
  const base = axios.getAdapter('http');
  return async (config) => {
    const isHttps = new URL(axios.getUri(config)).protocol === 'https:';
    try {
      // https goes through a CONNECT tunnel (the agent); plain http as an absolute-URI request to the proxy.
      return await base({ ...config, httpsAgent, httpAgent, proxy: isHttps ? false : httpProxy });
    } catch (error) {
      const tlsCode = errorCodes(error).find((code) => TLS_CODE.test(code));
      if (tlsCode) throw new AppFailure('backend-tls', { reason: tlsCode }, { cause: error });
      throw error;
    }
  };
}
