import axios, { type AxiosRequestConfig } from 'axios';
import { AppFailure } from '../errors/app-failure';

type AxiosFetchEnv = Pick<NonNullable<AxiosRequestConfig['env']>, 'fetch' | 'Request' | 'Response'>;

/**
 * The fetch that backend calls go through, for axios's own fetch adapter: Electron's net.fetch in
 * the app (system proxy, OS certificate store), undici's fetch with a ProxyAgent under Node (the
 * test bridge, tests), Node's global fetch where nothing else is given. `Request` and `Response`
 * must come from the same implementation as `fetch`.
 */
export interface BackendTransport {
  env: AxiosFetchEnv & { fetch: NonNullable<AxiosFetchEnv['fetch']> };
  /** Extra options for every fetch (undici's `dispatcher`). */
  fetchOptions?: Record<string, unknown>;
}

/** Node's global fetch: no proxy, the system's CA store (tests without a proxy, the doctor). */
export const GLOBAL_FETCH_TRANSPORT: BackendTransport = { env: { fetch: (input, init) => fetch(input, init) } };

/**
 * The axios request options for a transport: axios's fetch adapter, and a redirect is an error
 * (`redirect: 'error'`; never followed, and never 'manual', which makes Electron cancel the request).
 * axios's `maxRedirects: 0` must stay unset: with the fetch adapter it forces 'manual'.
 */
export function axiosTransportOptions(transport: BackendTransport = GLOBAL_FETCH_TRANSPORT): AxiosRequestConfig {
  return {
    adapter: 'fetch',
    env: transport.env,
    fetchOptions: { ...transport.fetchOptions, redirect: 'error' },
  };
}

/** TLS failures from Node/OpenSSL codes and Chromium's net::ERR_CERT_* / ERR_SSL_*: never bypassed. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(VERIFY|GET_ISSUER)|HOSTNAME_MISMATCH$|ERR_CERT_|ERR_BAD_SSL_)/;
/** What a refused redirect says: undici ("unexpected redirect"), Electron ("redirect policy was 'error'"). */
const REDIRECT_MESSAGE = /unexpected redirect|redirect policy was 'error'|ERR_TOO_MANY_REDIRECTS/i;
/** What a proxy wanting credentials says: undici (both its tunnel and its forwarding), Chromium. */
const PROXY_AUTH_MESSAGE = /Proxy response \(407\)|Proxy Authentication Required \(407\)|ERR_PROXY_AUTH_/;

/** The codes and messages of an error and its causes (undici and axios wrap the real one). */
function chain(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  let current = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    if (typeof current.code === 'string') codes.push(current.code);
    if (typeof current.message === 'string') {
      messages.push(current.message);
      // Chromium names its error inside the message: "net::ERR_CERT_AUTHORITY_INVALID".
      const chromium = /net::(ERR_[A-Z0-9_]+)/.exec(current.message)?.[1];
      if (chromium) codes.push(chromium);
    }
    current = current.cause as typeof current;
  }
  return { codes, messages };
}

/**
 * The one place a failed backend call (no HTTP answer) becomes a code of the closed vocabulary:
 * backend-tls, backend-redirect, backend-proxy-auth, backend-timeout, else backend-unreachable.
 */
export function transportFailure(error: unknown): AppFailure {
  if (error instanceof AppFailure) return error;
  const { codes, messages } = chain(error);
  const tls = codes.find((code) => TLS_CODE.test(code));
  if (tls) return new AppFailure('backend-tls', { reason: tls }, { cause: error });
  if (messages.some((message) => REDIRECT_MESSAGE.test(message)) || codes.includes('ERR_TOO_MANY_REDIRECTS'))
    return new AppFailure('backend-redirect', {}, { cause: error });
  if (messages.some((message) => PROXY_AUTH_MESSAGE.test(message)) || codes.some((code) => code.startsWith('ERR_PROXY_AUTH_')))
    return new AppFailure('backend-proxy-auth', {}, { cause: error });
  const axiosCode = axios.isAxiosError(error) ? (error.code ?? '') : '';
  if (axiosCode === 'ECONNABORTED' || axiosCode === 'ETIMEDOUT' || codes.includes('ERR_TIMED_OUT'))
    return new AppFailure('backend-timeout', { reason: axiosCode || 'ERR_TIMED_OUT' }, { cause: error });
  const reason = codes.find((code) => code !== 'ERR_NETWORK') ?? (axiosCode || 'network');
  return new AppFailure('backend-unreachable', { reason }, { cause: error });
}
