/**
 * ATRs of the lab's virtual cards: the single place they are defined.
 *
 * Both are T=1 ATRs (TS 3B, T0 F8: TA1..TD1 present and 8 historical bytes, TA1 18, TB1 00, TC1 00,
 * TD1 81 = T=1 with TD2, TD2 31 = TA3 TB3 for T=1, TA3 FE (IFSC 254), TB3 45 (BWI 4, CWI 5)),
 * historical bytes in ASCII, then the check byte TCK (XOR of T0..last historical byte).
 */

function withTck(bytesWithoutTck: number[]): Uint8Array {
  const tck = bytesWithoutTck.slice(1).reduce((acc, b) => acc ^ b, 0);
  return Uint8Array.from([...bytesWithoutTck, tck]);
}

function t1Atr(historical: string): Uint8Array {
  if (historical.length !== 8) throw new Error('historical bytes must be 8 ASCII characters');
  const hist = [...Buffer.from(historical, 'ascii')];
  return withTck([0x3b, 0xf8, 0x18, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x45, ...hist]);
}

/** The lab's PIV card (a SITHS-like card): historical bytes "CLABPIV1". */
export const LAB_PIV_ATR = t1Atr('CLABPIV1');

/** The lab's `unknown-card`: historical bytes "CLABUNK1"; no PIV application. */
export const LAB_UNKNOWN_ATR = t1Atr('CLABUNK1');

/** Hex with spaces, upper case, as pcsc_scan and most ATR tables print it. */
export function atrToHex(atr: Uint8Array): string {
  return Buffer.from(atr)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');
}
