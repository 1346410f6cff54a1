import { describe, expect, it } from 'vitest';
import { DEFAULT_IGNORED_READERS, ignoredReaderPattern, isIgnoredSlot, withIgnoredReaders } from './ignored-readers';

describe('ignoredReaderPattern', () => {
  it.each([
    ['Windows Hello for Business 1', 'Windows Hello*'],
    ['Microsoft Virtual Smart Card 0', 'Microsoft Virtual Smart Card*'],
    ['Microsoft Virtual Smart Card 00 00', 'Microsoft Virtual Smart Card*'],
    ['microsoft virtual smart card 2', 'Microsoft Virtual Smart Card*'],
    ['Infineon TPM Virtual Smart Card 0', '*TPM Virtual Smart Card*'],
  ])('ignores %s by default (%s)', (name, pattern) => {
    expect(ignoredReaderPattern(name, DEFAULT_IGNORED_READERS)).toBe(pattern);
  });

  it.each([
    'Virtual PCD 00 00',
    'OMNIKEY CardMan 3121 00 00',
    'Identiv uTrust 2700 R Smart Card Reader [CCID Interface] (55041514602768) 00 00',
    'Alcor Micro AU9540 00 00',
  ])('keeps the card reader %s', (name) => {
    expect(ignoredReaderPattern(name, DEFAULT_IGNORED_READERS)).toBeNull();
  });

  it('matches the whole name, with * and ? and no other special characters', () => {
    expect(ignoredReaderPattern('My Reader 1', ['Reader*'])).toBeNull();
    expect(ignoredReaderPattern('My Reader 1', ['*Reader ?'])).toBe('*Reader ?');
    expect(ignoredReaderPattern('My Reader 10', ['*Reader ?'])).toBeNull();
    expect(ignoredReaderPattern('Reader (1)', ['Reader (1)'])).toBe('Reader (1)');
    expect(ignoredReaderPattern('Reader 11', ['Reader 1.'])).toBeNull();
  });

  it('ignores nothing with no patterns, and never with an empty pattern', () => {
    expect(ignoredReaderPattern('Windows Hello for Business 1', [])).toBeNull();
    expect(ignoredReaderPattern('Windows Hello for Business 1', ['', '  '])).toBeNull();
  });
});

describe('withIgnoredReaders and isIgnoredSlot', () => {
  const reader = (name: string, cardPresent = true) => ({
    name,
    cardPresent,
    atr: cardPresent ? '3B 80 80 01 01' : null,
    cardKind: cardPresent ? ('unknown' as const) : null,
    cardLabel: null,
    eventCount: 1,
  });
  const state = {
    service: 'running' as const,
    readers: [reader('Virtual PCD 00 00'), reader('Microsoft Virtual Smart Card 00 00'), reader('Virtual PCD 00 01', false)],
  };

  it('moves the matching readers out of the readers a login may use, naming the pattern', () => {
    const split = withIgnoredReaders(state, DEFAULT_IGNORED_READERS);
    expect(split.readers.map((r) => r.name)).toEqual(['Virtual PCD 00 00', 'Virtual PCD 00 01']);
    expect(split.ignoredReaders).toEqual([
      { ...reader('Microsoft Virtual Smart Card 00 00'), pattern: 'Microsoft Virtual Smart Card*' },
    ]);
    // Applying it again (a changed list) starts from every reader.
    expect(withIgnoredReaders(split, []).readers.map((r) => r.name)).toEqual([
      'Virtual PCD 00 00',
      'Virtual PCD 00 01',
      'Microsoft Virtual Smart Card 00 00',
    ]);
  });

  it("knows an ignored reader's PKCS#11 slot by the reader it names, or by its own description", () => {
    const split = withIgnoredReaders(state, DEFAULT_IGNORED_READERS);
    expect(isIgnoredSlot(split, 'Microsoft Virtual Smart Card 00 00', DEFAULT_IGNORED_READERS)).toBe(true);
    expect(isIgnoredSlot(split, 'Virtual PCD 00 00', DEFAULT_IGNORED_READERS)).toBe(false);
    expect(isIgnoredSlot(split, 'Windows Hello for Business 1', DEFAULT_IGNORED_READERS)).toBe(true);
    expect(isIgnoredSlot(split, 'SoftHSM slot 0', DEFAULT_IGNORED_READERS)).toBe(false);
  });
});
