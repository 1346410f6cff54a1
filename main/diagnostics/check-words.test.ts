import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkWords } from './check-words';

// The doctor's words come from the renderer's catalogue; `npm run doctor --json` must print JSON alone on
// stdout, so making the translator may write nothing to the console (i18next's own notice included).
describe('checkWords', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the catalogue\u2019s Swedish and English, and writes nothing to the console', () => {
    const written: unknown[] = [];
    for (const method of ['log', 'info', 'warn'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args));
    }
    const check = { code: 'clock-skew.skewed', params: { seconds: 300 } } as const;
    expect(checkWords('sv').message(check)).toBe(
      'Datorns klocka går fel med 300 sekunder jämfört med tjänsten. Ställ klockan (be IT kontrollera tidssynkroniseringen).',
    );
    expect(checkWords('en').title('clock-skew')).not.toBe(checkWords('sv').title('clock-skew'));
    expect(checkWords('sv').status('warn')).toBe('Varning');
    expect(written).toEqual([]);
  });
});
