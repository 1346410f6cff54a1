import type { IgnoredReader, PcscState, ReaderState } from './card-state';
import { readerOfSlot } from './login-readiness';

/**
 * Readers that are not card readers for a SITHS card: Windows Hello for Business and TPM virtual smart
 * cards show up in PC/SC as readers with a card in them, and middleware that picks "the card" picks
 * theirs. The program ignores readers whose name matches one of these patterns (the setting
 * `ignoredReaders`, set by system policy), and says so in diagnostics instead of dropping them silently.
 */

/**
 * The built-in patterns: Windows Hello for Business ("Windows Hello for Business 1"), TPM virtual smart
 * cards ("Microsoft Virtual Smart Card 0", as Windows names them; "... TPM Virtual Smart Card" by
 * other vendors).
 */
export const DEFAULT_IGNORED_READERS: readonly string[] = [
  'Windows Hello*',
  'Microsoft Virtual Smart Card*',
  '*TPM Virtual Smart Card*',
];

function patternExpression(pattern: string): RegExp {
  const body = pattern
    .trim()
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * The first pattern a reader's name matches, or null. A pattern matches the whole name, case
 * insensitively; `*` stands for any run of characters and `?` for one.
 */
export function ignoredReaderPattern(readerName: string, patterns: readonly string[]): string | null {
  const name = readerName.trim();
  for (const pattern of patterns) {
    if (pattern.trim() !== '' && patternExpression(pattern).test(name)) return pattern;
  }
  return null;
}

/** The PC/SC state with the readers whose names match a pattern moved to `ignoredReaders`. */
export function withIgnoredReaders(state: PcscState, patterns: readonly string[]): PcscState {
  const readers: ReaderState[] = [];
  const ignoredReaders: IgnoredReader[] = [];
  for (const reader of [...state.readers, ...(state.ignoredReaders ?? [])]) {
    const { name, cardPresent, atr, cardKind, cardLabel, eventCount } = reader;
    const plain = { name, cardPresent, atr, cardKind, cardLabel, eventCount };
    const pattern = ignoredReaderPattern(name, patterns);
    if (pattern === null) readers.push(plain);
    else ignoredReaders.push({ ...plain, pattern });
  }
  return { service: state.service, readers, ignoredReaders };
}

/**
 * Whether a PKCS#11 slot is an ignored reader's: the reader its description names (OpenSC and Net iD
 * name slots after their reader) is ignored, or, naming none of the readers, the description itself
 * matches a pattern.
 */
export function isIgnoredSlot(state: PcscState, slotDescription: string, patterns: readonly string[]): boolean {
  const reader = readerOfSlot([...state.readers, ...(state.ignoredReaders ?? [])], slotDescription);
  if (reader) return ignoredReaderPattern(reader.name, patterns) !== null;
  return ignoredReaderPattern(slotDescription, patterns) !== null;
}
