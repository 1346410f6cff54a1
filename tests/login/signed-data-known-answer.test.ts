import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loginSignedData } from '../../common/api/login-signed-data';

// Issue 14: the bytes the card signs at login, SHA-256(origin) ‖ SHA-256(nonce), pinned by values
// computed outside our code (OpenSSL): client and server share one definition, so only outside
// values can catch a change to it.
const ORIGIN = 'https://behorighetsadmin.kommun.se';
const NONCE = 'q3Zk1v8yR0u5mXlA2bC9dE7fG4hJ6kLpN0oQ_sTu-wY';

/** SHA-256 of a UTF-8 string, hex, by `openssl dgst -sha256` over stdin. */
function opensslSha256(text: string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: Buffer.from(text, 'utf8') }).toString('utf8');
  const hex = out.trim().split(/\s+/)[0]!;
  expect(hex).toMatch(/^[0-9a-f]{64}$/);
  return hex;
}

// Written down once from `printf %s ORIGIN | openssl dgst -sha256` and the same for the nonce.
const EXPECTED_HEX =
  '07f3817fa075a8a6f8e711d76ea5eae9e63d9233a61c3ea00a89052ffd29a839' +
  '6cc1aa6a53833f332c2f3051274621b9fe436c5337c383b6c4e8390a95ea6c4d';

describe('login signed data: known answer', () => {
  it('the expected bytes are what OpenSSL computes here and now', () => {
    expect(opensslSha256(ORIGIN) + opensslSha256(NONCE)).toBe(EXPECTED_HEX);
  });

  it('is what loginSignedData gives (the one definition the client signs and the server verifies)', () => {
    expect(Buffer.from(loginSignedData(ORIGIN, NONCE)).toString('hex')).toBe(EXPECTED_HEX);
  });

  it('differs with another origin (the origin is bound)', () => {
    expect(Buffer.from(loginSignedData('https://other.example', NONCE)).toString('hex')).not.toBe(EXPECTED_HEX);
  });
});
