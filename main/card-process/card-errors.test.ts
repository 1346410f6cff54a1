import { describe, expect, it } from 'vitest';
import { fromPcscError, fromPkcs11Error, pcscCode } from './card-errors';

function pkcs11Error(name: string, code: number) {
  return Object.assign(new Error(`${name}:${code}`), { code });
}

describe('card error mapping', () => {
  it.each([
    ['CKR_PIN_INCORRECT', 0xa0, 'pin-incorrect'],
    ['CKR_PIN_LOCKED', 0xa4, 'pin-locked'],
    ['CKR_PIN_LEN_RANGE', 0xa2, 'pin-length'],
    ['CKR_DEVICE_REMOVED', 0x32, 'card-removed'],
    ['CKR_TOKEN_NOT_PRESENT', 0xe0, 'card-removed'],
    ['CKR_GENERAL_ERROR', 0x05, 'pkcs11-failed'],
  ])('maps %s to %s by its number', (name, code, expected) => {
    const mapped = fromPkcs11Error(pkcs11Error(name, code));
    expect(mapped.code).toBe(expected);
  });

  it('reads the code from the message when the error has no numeric code', () => {
    expect(fromPkcs11Error(new Error('CKR_PIN_LOCKED:164')).code).toBe('pin-locked');
  });

  it('maps the PC/SC binding’s messages (smartcard names the failure, without its code)', () => {
    expect(pcscCode(new Error('PC/SC service not running'))).toBe(0x8010001d);
    expect(fromPcscError(new Error('PC/SC service stopped')).code).toBe('pcsc-no-service');
    expect(fromPcscError(new Error('Unknown reader')).code).toBe('pcsc-no-reader');
    expect(fromPcscError(new Error('Card was removed')).code).toBe('card-removed');
    expect(fromPcscError(new Error('Operation timed out')).details).toMatchObject({ unexpected: 'true' });
  });

  it('maps PC/SC errors by the hex code, not the text', () => {
    const noService = new Error('SCardEstablishContext error: Tjänsten är inte tillgänglig.(0x8010001d)');
    expect(pcscCode(noService)).toBe(0x8010001d);
    expect(fromPcscError(noService).code).toBe('pcsc-no-service');
    expect(fromPcscError(new Error('SCardGetStatusChange error: x(0x8010002e)')).code).toBe('pcsc-no-reader');
  });
});
