import { sha256 } from '@noble/hashes/sha2';

const utf8 = new TextEncoder();

/**
 * The bytes the card signs at login: SHA-256(origin) ‖ SHA-256(nonce), both as UTF-8 (the Web eID
 * scheme), so a signature made for one backend cannot be replayed at another. The one definition:
 * the client builds what the card signs with it and the reference backend verifies against it.
 */
export function loginSignedData(origin: string, nonce: string): Uint8Array {
  const data = new Uint8Array(64);
  data.set(sha256(utf8.encode(origin)), 0);
  data.set(sha256(utf8.encode(nonce)), 32);
  return data;
}
