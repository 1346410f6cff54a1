import axios from 'axios';
import { axiosTransportOptions, type BackendTransport } from '../backend/backend-transport';
import { statusSchema, type Status } from '../../common/api/schemas';
import type { BackendHealth, BackendUnreachableReason } from '../../common/ipc/contract';
import type { TlsInspection } from './tls-inspection';

/** The one backend probe's answer: the status with its round trip, or why there is none (BACKEND_UNREACHABLE_REASONS). */
export type BackendProbe =
  | { reachable: true; url: string; status: Status; roundTripMs: number; receivedAt: Date }
  | {
      reachable: false;
      url: string | null;
      reason: BackendUnreachableReason;
      detail: string;
      /** What the TLS server presented, where the address is https and it was looked at (absent: not looked). */
      tls?: TlsInspection | null;
    };

/** The probe's answer where no backend is configured. */
export const BACKEND_NOT_CONFIGURED: BackendProbe = {
  reachable: false,
  url: null,
  reason: 'not-configured',
  detail: 'no backendUrl',
};

/**
 * The one backend probe (the login view's troubleshooting, diagnostics, `npm run doctor`): asks the
 * backend for GET /api/v1/status, within a time limit; never throws. A 503 with a status body is an
 * answer (the service says it is down). `transport`: the app's HTTP stack (proxy, CAs). `inspectTls`:
 * when the request fails, what the TLS server presented (a TLS-inspecting proxy's certificate shows there).
 */
export async function probeBackend(
  baseUrl: string | null,
  timeoutMs = 5000,
  transport?: BackendTransport,
  inspectTls?: (url: string) => Promise<TlsInspection | null>,
): Promise<BackendProbe> {
  if (!baseUrl) return BACKEND_NOT_CONFIGURED;
  const probe = await requestStatus(baseUrl, timeoutMs, transport);
  if (probe.reachable || !inspectTls || !baseUrl.startsWith('https:')) return probe;
  return { ...probe, tls: await inspectTls(baseUrl) };
}

async function requestStatus(url: string, timeoutMs: number, transport?: BackendTransport): Promise<BackendProbe> {
  const started = Date.now();
  try {
    const response = await axios.get(new URL('api/v1/status', url.endsWith('/') ? url : `${url}/`).toString(), {
      timeout: timeoutMs,
      validateStatus: () => true,
      ...axiosTransportOptions(transport),
    });
    const receivedAt = new Date();
    if (response.status >= 500 && response.status !== 503) {
      return { reachable: false, url, reason: 'http-error', detail: `HTTP ${response.status}` };
    }
    const parsed = statusSchema.safeParse(response.data);
    if (!parsed.success) return { reachable: false, url, reason: 'malformed', detail: `HTTP ${response.status}` };
    return { reachable: true, url, status: parsed.data, roundTripMs: Date.now() - started, receivedAt };
  } catch (error) {
    const code = axios.isAxiosError(error) ? error.code : undefined;
    return {
      reachable: false,
      url,
      reason: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'refused',
      detail: code ?? (error instanceof Error ? error.message : 'unknown'),
    };
  }
}

/** What of a probe the renderer sees (the backend:get-health channel). */
export function backendHealth(probe: BackendProbe): BackendHealth {
  return probe.reachable
    ? { reachable: true, status: probe.status, url: probe.url }
    : { reachable: false, url: probe.url, reason: probe.reason };
}
