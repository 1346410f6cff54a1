import { describe, expect, it } from 'vitest';
import { makeUser, ORGANISATION } from '../../../tests/renderer/admin-fakes';
import {
  chooseEService,
  choosePermission,
  compareSwedish,
  createUserSearchIndex,
  isFilterActive,
  matchesSearch,
  matchesUserFilter,
  NO_FILTER,
  permissionChoices,
  searchTerms,
  swedishSortKey,
} from './user-filter';

const reader = makeUser({ id: 'r', permissions: { 'statlig-ersattning': ['las-arenden'] } });
const attester = makeUser({ id: 'a', permissions: { 'statlig-ersattning': ['las-arenden', 'attestera'] } });
const guardian = makeUser({ id: 'g', permissions: { ensamkommande: ['se-ansvar'], 'statlig-ersattning': [] } });
const nobody = makeUser({ id: 'n' });
const all = [reader, attester, guardian, nobody];

describe('Filtrera e-tjänster, then Filtrera behörigheter', () => {
  it('passes everyone without a choice', () => {
    expect(isFilterActive(NO_FILTER)).toBe(false);
    expect(all.filter((u) => matchesUserFilter(u, NO_FILTER))).toEqual(all);
  });

  it('an e-service alone keeps users with any permission in it', () => {
    const filter = chooseEService(NO_FILTER, 'statlig-ersattning');
    expect(all.filter((u) => matchesUserFilter(u, filter)).map((u) => u.id)).toEqual(['r', 'a']);
  });

  it('a permission narrows to users holding it in that e-service', () => {
    const filter = choosePermission(chooseEService(NO_FILTER, 'statlig-ersattning'), ORGANISATION, 'attestera');
    expect(filter).toEqual({ eserviceId: 'statlig-ersattning', permissionId: 'attestera' });
    expect(all.filter((u) => matchesUserFilter(u, filter)).map((u) => u.id)).toEqual(['a']);
  });

  it('permission choices follow the chosen e-service, none without one', () => {
    expect(permissionChoices(ORGANISATION, null)).toEqual([]);
    expect(permissionChoices(ORGANISATION, 'ensamkommande').map((p) => p.id)).toEqual(['se-ansvar', 'andra-ansvar']);
    expect(permissionChoices(ORGANISATION, 'landsting')).toEqual([]);
  });

  it('changing e-service resets the permission; a foreign permission is ignored', () => {
    const chosen = choosePermission(chooseEService(NO_FILTER, 'statlig-ersattning'), ORGANISATION, 'attestera');
    expect(chooseEService(chosen, 'ensamkommande')).toEqual({ eserviceId: 'ensamkommande', permissionId: null });
    expect(chooseEService(chosen, 'statlig-ersattning')).toBe(chosen);
    expect(choosePermission(chosen, ORGANISATION, 'se-ansvar')).toBe(chosen);
    expect(choosePermission(NO_FILTER, ORGANISATION, 'attestera')).toBe(NO_FILTER);
    expect(choosePermission(chosen, ORGANISATION, null).permissionId).toBeNull();
  });
});

describe('Swedish order', () => {
  it('puts å, ä, ö after z and ignores case', () => {
    const names = ['Östen', 'Åsa', 'zlatan', 'Ärla', 'anna', 'Bertil'];
    expect([...names].sort(compareSwedish)).toEqual(['anna', 'Bertil', 'zlatan', 'Åsa', 'Ärla', 'Östen']);
    expect(compareSwedish(null, 'a')).toBeLessThan(0);
  });
});

describe('Swedish sort keys', () => {
  it('order like the Swedish collator, é as e and ü as y', () => {
    const names = ['Ödmark', 'Zetterlund', 'Émile', 'Ärlig', 'Åkesson', 'eva', 'Müller', 'Myrdal', 'Yngve', 'Örn'];
    const collator = new Intl.Collator('sv');
    expect([...names].sort(compareSwedish)).toEqual([...names].sort(collator.compare));
    expect(swedishSortKey('Åsa')).toBe('{sa');
  });

  it('is a total order: equal keys fall back to the exact text', () => {
    expect(compareSwedish('anna', 'Anna')).not.toBe(0);
    expect(compareSwedish('Anna', 'Anna')).toBe(0);
    expect(Math.sign(compareSwedish('anna', 'Anna'))).toBe(-Math.sign(compareSwedish('Anna', 'anna')));
  });
});

describe('search: any character or word in any column', () => {
  const index = createUserSearchIndex((u) => [u.givenName, u.surname, u.email]);
  const anna = makeUser({ id: 'a', givenName: 'Anna', surname: 'Öberg', email: 'anna@k.se' });

  it('matches a single character or part of a word, case-insensitively', () => {
    expect(matchesSearch(index(anna), searchTerms('Ö'))).toBe(true);
    expect(matchesSearch(index(anna), searchTerms('NN'))).toBe(true);
    expect(matchesSearch(index(anna), searchTerms('@k.se'))).toBe(true);
    expect(matchesSearch(index(anna), searchTerms('x'))).toBe(false);
  });

  it('needs every word to match some column, never across two columns', () => {
    expect(matchesSearch(index(anna), searchTerms('  anna   öberg '))).toBe(true);
    expect(matchesSearch(index(anna), searchTerms('anna berit'))).toBe(false);
    expect(matchesSearch(index(anna), searchTerms('aÖ'))).toBe(false);
  });

  it('an empty search matches everyone', () => {
    expect(searchTerms('   ')).toEqual([]);
    expect(matchesSearch(index(anna), [])).toBe(true);
  });

  it('follows a changed user (a new object)', () => {
    expect(matchesSearch(index({ ...anna, surname: 'Berg' }), searchTerms('öberg'))).toBe(false);
  });
});
