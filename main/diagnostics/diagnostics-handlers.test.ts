import { describe, expect, it } from 'vitest';
import { backendHealthSchema } from '../../common/ipc/contract';
import type { BackendProbe } from './backend-probe';
import { diagnosticsHandlers } from './diagnostics-handlers';
import type { DiagnosticsService } from './diagnostics-service';

// The troubleshooting handlers over a plain FAKE diagnostics service (only the call it records);
// the real diagnostics on the lab's card are tested in tests/card and tests/e2e/diagnostics.spec.ts.

const URL = 'https://behorighet.example.se';

function setup(probe: BackendProbe) {
  const calls: string[] = [];
  const diagnostics = {
    testSignature: async (pin: string) => (calls.push(`test-signature ${pin.length}`), { ok: true }),
  } as unknown as DiagnosticsService;
  return { handlers: diagnosticsHandlers(diagnostics, async () => probe), calls };
}

describe('diagnosticsHandlers', () => {
  it("gives the login view the probe's closed reason, never its detail or the TLS server's chain", async () => {
    const { handlers } = setup({
      reachable: false,
      url: URL,
      reason: 'refused',
      detail: 'connect ECONNREFUSED 10.0.0.1:443',
      tls: null,
    });
    const health = await handlers['backend:get-health'](undefined as never);
    expect(health).toStrictEqual({ reachable: false, url: URL, reason: 'refused' });
    expect(backendHealthSchema.parse(health)).toStrictEqual(health);
  });

  it("gives the service's status when the backend answers", async () => {
    const status = { status: 'ok' as const, time: '2026-12-02T05:00:00.000Z', version: '1.0.0', message: null };
    const { handlers } = setup({ reachable: true, url: URL, status, roundTripMs: 12, receivedAt: new Date() });
    expect(await handlers['backend:get-health'](undefined as never)).toStrictEqual({ reachable: true, url: URL, status });
  });

  it('hands the PIN of "Testa signering" to the diagnostics service', async () => {
    const { handlers, calls } = setup({ reachable: false, url: null, reason: 'not-configured', detail: 'no backendUrl' });
    await handlers['diagnostics:test-signature']({ pin: '123456' });
    expect(calls).toEqual(['test-signature 6']);
  });
});
