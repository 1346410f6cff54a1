import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { atrToHex, recogniseAtr, type KnownAtr } from './atr-table';

const table = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../resources/known-atrs.json'), 'utf8')) as { cards: KnownAtr[] }
).cards;

describe('ATR table', () => {
  it('recognises the lab card exactly and SITHS families by pattern', () => {
    expect(recogniseAtr('3B F8 18 00 00 81 31 FE 45 43 4C 41 42 50 49 56 31 99', table)).toMatchObject({ kind: 'lab' });
    expect(recogniseAtr('3B FF 96 00 00 81 31 FE 43 80 31 80 65 B0 85 59 56 FB 12 0F FE 82 90 00 02', table)).toMatchObject({
      kind: 'siths',
    });
  });

  it('reports an unknown card as unknown', () => {
    expect(recogniseAtr('3B F8 18 00 00 81 31 FE 45 43 4C 41 42 55 4E 4B 31 86', table)).toEqual({
      kind: 'unknown',
      label: null,
    });
    expect(recogniseAtr('3B 67 00', table).kind).toBe('unknown');
  });

  it('formats bytes as hex', () => {
    expect(atrToHex(Uint8Array.from([0x3b, 0x0a, 0xff]))).toBe('3B 0A FF');
  });
});
