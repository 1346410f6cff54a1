import type { CardKind } from '../../common/card/card-state';

export interface KnownAtr {
  pattern: string;
  kind: Exclude<CardKind, 'unknown'>;
  label: string;
}

export interface AtrMatch {
  kind: CardKind;
  label: string | null;
}

/** Formats ATR bytes as upper-case hex pairs separated by spaces. */
export function atrToHex(atr: Uint8Array): string {
  return Array.from(atr, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(' ');
}

/** Recognises a card by its ATR; an unknown card is reported as such, never refused here. */
export function recogniseAtr(atrHex: string, table: readonly KnownAtr[]): AtrMatch {
  const bytes = atrHex.trim().toUpperCase().split(/\s+/);
  for (const entry of table) {
    const pattern = entry.pattern.trim().toUpperCase().split(/\s+/);
    if (pattern.length === bytes.length && pattern.every((byte, index) => byte === '..' || byte === bytes[index])) {
      return { kind: entry.kind, label: entry.label };
    }
  }
  return { kind: 'unknown', label: null };
}
