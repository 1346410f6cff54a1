import tls from 'node:tls';
import { Agent, fetch, ProxyAgent, Request, Response, type Dispatcher } from 'undici';
import type { NetworkSettings } from '../config/app-settings';
import type { BackendTransport } from './backend-transport';

/**
 * Backend calls under Node (the test bridge, tests): undici's fetch, through the proxy from the
 * settings (a CONNECT tunnel for https, an absolute-URI request for plain http) and trusting the
 * extra CA certificates besides the system's. Certificate checks are never turned off. 'system'
 * has no meaning under Node and goes direct, as 'direct' does.
 */
export function nodeBackendTransport(network: NetworkSettings): BackendTransport {
  const ca = network.extraCaPems.length > 0 ? [...tls.rootCertificates, ...network.extraCaPems] : undefined;
  const targetTls = { ...(ca ? { ca } : {}), rejectUnauthorized: true };
  const explicitProxy = network.proxy !== 'system' && network.proxy !== 'direct' ? network.proxy : null;
  const dispatcher: Dispatcher = explicitProxy
    ? new ProxyAgent({ uri: explicitProxy, requestTls: targetTls, proxyTunnel: false })
    : new Agent({ connect: targetTls });
  return {
    env: {
      fetch: fetch as unknown as BackendTransport['env']['fetch'],
      Request: Request as unknown as BackendTransport['env']['Request'],
      Response: Response as unknown as BackendTransport['env']['Response'],
    },
    fetchOptions: { dispatcher },
  };
}
