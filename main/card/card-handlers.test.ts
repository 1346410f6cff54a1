import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../common/errors/error-codes';
import { createIdleCardServiceFake } from '../../tests/fixtures/idle-card-service';
import { testSnapshot } from '../../tests/fixtures/card-snapshots';
import { AppFailure } from '../errors/app-failure';
import { cardHandlers } from './card-handlers';

// The card's IPC handlers over a plain FAKE card service that records its calls; the real PIN
// change on the lab's card is tested in tests/card and tests/e2e.

const SHA = 'b'.repeat(64);
const before = testSnapshot({ updatedAt: '2026-12-01T00:00:00.000Z' });
const after = testSnapshot({ updatedAt: '2026-12-01T00:00:01.000Z' });

function setup(answer: 'ok' | 'refused') {
  const card = createIdleCardServiceFake();
  card.push(before);
  const calls: string[] = [];
  const result = answer === 'ok' ? ok(null) : fail('pin-incorrect', { triesLeft: '2' });
  card.changePin = async (input) => (calls.push(`change-pin ${input.oldPin}>${input.newPin}`), result);
  card.unblockPin = async (input) => (calls.push(`unblock-pin ${input.puk}>${input.newPin}`), result);
  card.refresh = async () => (calls.push('refresh'), ok(after));
  return { handlers: cardHandlers(card), calls };
}

describe('cardHandlers: PIN care', () => {
  it('changes the PIN, then answers with the card read again', async () => {
    const { handlers, calls } = setup('ok');
    const answer = await handlers['card:change-pin']({ slotId: '1', certificateSha256: SHA, oldPin: '123456', newPin: '654321' });
    expect(calls).toEqual(['change-pin 123456>654321', 'refresh']);
    expect(answer.updatedAt).toBe(after.updatedAt);
  });

  it('unblocks the PIN with the PUK, then answers with the card read again', async () => {
    const { handlers, calls } = setup('ok');
    const answer = await handlers['card:unblock-pin']({ slotId: '1', certificateSha256: SHA, puk: '12345678', newPin: '654321' });
    expect(calls).toEqual(['unblock-pin 12345678>654321', 'refresh']);
    expect(answer.updatedAt).toBe(after.updatedAt);
  });

  it('throws a refused change with its code and details and reads nothing again', async () => {
    for (const channel of ['card:change-pin', 'card:unblock-pin'] as const) {
      const { handlers, calls } = setup('refused');
      const request = { slotId: '1', certificateSha256: SHA, oldPin: '123456', puk: '12345678', newPin: '654321' };
      const error = await Promise.resolve(handlers[channel](request)).catch((e: unknown) => e);
      expect(error, channel).toBeInstanceOf(AppFailure);
      expect(error, channel).toMatchObject({ code: 'pin-incorrect', details: { triesLeft: '2' } });
      expect(calls, channel).not.toContain('refresh');
    }
  });
});
