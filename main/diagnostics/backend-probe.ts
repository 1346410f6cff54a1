import axios from 'axios';
import { axiosTransportOptions, type BackendTransport } from '../backend/backend-transport';
import { statusSchema, type Status } from '../../common/api/schemas';

export type BackendProbe =
  | { reachable: true; status: Status; roundTripMs: number; receivedAt: Date }
  | { reachable: false; reason: 'timeout' | 'refused' | 'http-error' | 'malformed'; detail: string };

/** Asks the backend for GET /api/v1/status, within a time limit; never throws. `transport`: the app's HTTP stack (proxy, CAs). */
export async function probeBackend(baseUrl: string, timeoutMs = 5000, transport?: BackendTransport): Promise<BackendProbe> {
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
