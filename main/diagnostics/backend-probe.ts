import axios from 'axios';
import { axiosTransportOptions, type BackendTransport } from '../backend/backend-transport';
import { statusSchema, type Status } from '../../common/api/schemas';
import type { TlsInspection } from './tls-inspection';

export type BackendProbe =
  | { reachable: true; status: Status; roundTripMs: number; receivedAt: Date }
  | {
      reachable: false;
      reason: 'timeout' | 'refused' | 'http-error' | 'malformed';
      detail: string;
      /** What the TLS server presented, where the address is https and it was looked at (absent: not looked). */
      tls?: TlsInspection | null;
    };

/**
 * Asks the backend for GET /api/v1/status, within a time limit; never throws. `transport`: the app's
 * HTTP stack (proxy, CAs). `inspectTls`: when the request fails, what the TLS server presented (a
 * TLS-inspecting proxy's certificate shows there).
 */
export async function probeBackend(
  baseUrl: string,
  timeoutMs = 5000,
  transport?: BackendTransport,
  inspectTls?: (url: string) => Promise<TlsInspection | null>,
): Promise<BackendProbe> {
  const probe = await requestStatus(baseUrl, timeoutMs, transport);
  if (probe.reachable || !inspectTls || !baseUrl.startsWith('https:')) return probe;
  return { ...probe, tls: await inspectTls(baseUrl) };
}

async function requestStatus(baseUrl: string, timeoutMs: number, transport?: BackendTransport): Promise<BackendProbe> {
  const started = Date.now();
  try {
    const response = await axios.get(new URL('api/v1/status', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString(), {
      timeout: timeoutMs,
      validateStatus: () => true,
      ...axiosTransportOptions(transport),
    });
    const receivedAt = new Date();
    if (response.status >= 500 && response.status !== 503) {
      return { reachable: false, reason: 'http-error', detail: `HTTP ${response.status}` };
    }
    const parsed = statusSchema.safeParse(response.data);
    if (!parsed.success) return { reachable: false, reason: 'malformed', detail: `HTTP ${response.status}` };
    return { reachable: true, status: parsed.data, roundTripMs: Date.now() - started, receivedAt };
  } catch (error) {
    const code = axios.isAxiosError(error) ? error.code : undefined;
    return {
      reachable: false,
      reason: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'refused',
      detail: code ?? (error instanceof Error ? error.message : 'unknown'),
    };
  }
}
