import { describe, expect, it } from 'vitest';
import {
  PERSONAL_IDENTITY_NUMBER_REMOVED as REMOVED,
  scrubPersonalIdentityNumbers,
  withoutPersonalIdentityNumbers,
} from './personal-identity-number';

describe('withoutPersonalIdentityNumbers', () => {
  it.each([
    ['19121212-1212', REMOVED],
    ['191212121212', REMOVED],
    ['121212-1212', REMOVED],
    ['121212+1212', REMOVED],
    ['1212121212', REMOVED],
    // A co-ordination number: day + 60.
    ['701063-2391', REMOVED],
    ['CN=Alva Testsson, serialNumber=197001011225 ', `CN=Alva Testsson, serialNumber=${REMOVED} `],
  ])('removes %s', (text, expected) => {
    expect(withoutPersonalIdentityNumbers(text)).toBe(expected);
  });

  it.each([
    'SE2321000016-A1B2',
    'SE2321000016-1234',
    '19121212-1213',
    '20261302-1234',
    '2026-12-02T00:00:00.000Z',
    '3B F8 18 00 00 81 31 FE 45',
    'ab1912121212cdef',
    '4E:CE:27:00:57:FD:39:A7',
  ])('keeps %s', (text) => {
    expect(withoutPersonalIdentityNumbers(text)).toBe(text);
  });

  it('scrubs every string of a structure and leaves the rest', () => {
    expect(scrubPersonalIdentityNumbers({ a: ['x 19121212-1212'], b: { c: 3, d: null, e: true } })).toEqual({
      a: [`x ${REMOVED}`],
      b: { c: 3, d: null, e: true },
    });
  });
});
