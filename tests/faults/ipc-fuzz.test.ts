import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS, type IpcChannel } from '../../common/ipc/contract';
import { composeMainServices } from '../../main/composition-root';
import { createLogger } from '../../main/logging/logger';
import { createIdleCardServiceFake } from '../fixtures/idle-card-service';
import { LINUX_POLICY_FILE } from '../../main/config/app-settings';

// Fuzzed IPC payloads against the real router and handlers: nothing crashes, nothing changes.
const ORIGIN = 'app://renderer';

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function garbage(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(random() * 1e9) - 5e8;
    case 2:
      return 'x'.repeat(Math.floor(random() * 200_000));
    case 3:
      return random() > 0.5;
    case 4:
      return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    case 5:
      return depth > 3 ? [] : Array.from({ length: 3 }, () => garbage(random, depth + 1));
    case 6:
      return { pin: random() > 0.5 ? 1234 : '1'.repeat(10_000) };
    case 7:
      return { id: { $gt: '' }, version: -1, patch: { hsaId: '<script>' } };
    case 8:
      return { user: { givenName: '', surname: 42, hsaId: 'SE', email: 'x' }, extra: true };
    case 9:
      return undefined;
    case 10:
      return Number.NaN;
    default:
      return depth > 3 ? {} : { [String(random())]: garbage(random, depth + 1) };
  }
}

describe('fuzzed IPC payloads', () => {
  it('never crash a handler, never pollute prototypes, and leave the session and card untouched', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
    });
    const card = createIdleCardServiceFake();
    let signs = 0;
    card.sign = async () => ((signs += 1), { ok: false, error: { code: 'pcsc-no-service' } });
    const services = composeMainServices({
      logger,
      policyLocation: LINUX_POLICY_FILE,
      trustedOrigins: [ORIGIN],
      appInfo: { productName: 'Behörighetsadmin', version: '0', transport: 'electron-ipc', electronVersion: null },
      openExternal: async () => {
        throw new Error('must not open anything');
      },
      card,
      backend: null,
      cardRemovalPolicy: 'logout',
    });
    const random = seeded(20261122);
    const channels = Object.keys(IPC_CHANNELS) as IpcChannel[];
    let results = 0;
    for (let round = 0; round < 400; round += 1) {
      const channel = channels[round % channels.length]!;
      const result = await services.router.dispatch(channel, garbage(random), {
        frameUrl: `${ORIGIN}/index.html`,
        isMainFrame: true,
      });
      expect(typeof result.ok).toBe('boolean');
      // No settings service is composed here: its channels answer 'internal' to a well-formed request.
      if (!result.ok && !channel.startsWith('settings:')) expect(result.error.code).not.toBe('internal');
      results += 1;
    }
    expect(results).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(services.session.state()).toEqual({ status: 'logged-out', reason: null });
    expect(signs).toBe(0);
    expect(lines.join('')).not.toContain('x'.repeat(1000));
  });
});
