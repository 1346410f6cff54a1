import { createHash } from 'node:crypto';

/**
 * The bytes the card signs at login: SHA-256(origin) ‖ SHA-256(nonce), both as UTF-8 (the Web eID
 * scheme), so a signature made for one backend cannot be replayed at another.
 */
export function loginSignedData(origin: string, nonce: string): Buffer {
  return Buffer.concat([
    createHash('sha256').update(origin, 'utf8').digest(),
    createHash('sha256').update(nonce, 'utf8').digest(),
  ]);
}
