import { INACTIVE_AFTER_MONTHS } from '../../../../common/api/catalogue';
import type { Organisation, User } from '../../../../common/api/schemas';

const GIVEN = ['Anna', 'Åsa', 'Björn', 'Cecilia', 'David', 'Eva', 'Fredrik', 'Gunilla', 'Hans', 'Ingrid', 'Johan', 'Karin', 'Lars', 'Maria', 'Nils', 'Olof', 'Petra', 'Rut', 'Sven', 'Tove', 'Ulla', 'Vera', 'Yngve', 'Östen', 'Ärla'];
const SURNAMES = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Åberg', 'Öberg', 'Ängström', 'Lindqvist', 'Berg', 'Holm', 'Sjöberg', 'Wikström'];

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same list. */
function random(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` plausible users of the organisation, with permissions, last logins and inactive flags. */
export function generateUsers(count: number, organisation: Organisation, now = Date.now()): User[] {
  const rand = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const inactiveBefore = now - INACTIVE_AFTER_MONTHS * 30.44 * 24 * 3600 * 1000;
  const users: User[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const givenName = pick(GIVEN);
    const surname = pick(SURNAMES);
    const permissions: Record<string, string[]> = {};
    for (const eservice of organisation.eservices) {
      if (rand() < 0.6) permissions[eservice.id] = eservice.permissions.filter(() => rand() < 0.5).map((p) => p.id);
    }
    const lastLogin = rand() < 0.1 ? null : now - Math.floor(rand() * 3 * 365 * 24 * 3600 * 1000);
    const created = '2020-01-01T00:00:00.000Z';
    users[i] = {
      id: `u${i}`,
      givenName,
      surname,
      hsaId: `SE2321000016-${(i + 1000).toString(36).toUpperCase()}`,
      email: `${givenName}.${surname}.${i}@testkommunen.se`.toLowerCase(),
      permissions,
      lastLoginAt: lastLogin === null ? null : new Date(lastLogin).toISOString(),
      inactive: lastLogin === null || lastLogin < inactiveBefore,
      version: 1,
      createdAt: created,
      updatedAt: created,
    };
  }
  return users;
}
