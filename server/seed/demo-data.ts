import { randomUUID } from 'node:crypto';
import type { EServiceDefinition } from '../../common/api/index';
import type { PermissionMap, StorageTx, UserRecord } from '../storage/storage';
import { GIVEN_NAMES, SURNAMES } from './swedish-names';

/** A small deterministic PRNG (mulberry32), so demo data is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const mailParts = new Map<string, string>();

/** Lower-case ASCII for e-mail local parts: "Åsa Sjöberg" → "asa.sjoberg". */
function mailPart(s: string): string {
  let part = mailParts.get(s);
  if (part === undefined) {
    part = s
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]/g, '');
    mailParts.set(s, part);
  }
  return part;
}

export interface GeneratedUsersOptions {
  organisationId: string;
  /** SE + organisation number, e.g. SE2321000016; each user gets `${prefix}-${suffix}`. */
  hsaPrefix: string;
  mailDomain: string;
  count: number;
  eservices: readonly EServiceDefinition[];
  now: Date;
  random: () => number;
  /** HSA-ids not to hand out (the organisation's administrators). */
  reserved?: ReadonlySet<string>;
}

/**
 * Realistic users, one after another for as long as asked: Swedish names, unique HSA-ids, some
 * permissions, last logins over three years.
 */
export function* userSeries(o: Omit<GeneratedUsersOptions, 'count'>): Generator<UserRecord, never> {
  const reserved = o.reserved ?? new Set<string>();
  const threeYears = 3 * 365 * 24 * 60 * 60_000;
  for (let i = 0; ; i++) {
    const hsaId = `${o.hsaPrefix}-U${(i + 1).toString(36).toUpperCase().padStart(4, '0')}`;
    if (reserved.has(hsaId)) continue;
    const givenName = pick(o.random, GIVEN_NAMES);
    const surname = pick(o.random, SURNAMES);
    const permissions: PermissionMap = {};
    for (const e of o.eservices) {
      if (o.random() < 0.35) continue;
      const granted = e.permissions.filter(() => o.random() < 0.45).map((p) => p.id);
      if (granted.length > 0) permissions[e.id] = granted;
    }
    const created = new Date(o.now.getTime() - threeYears - (o.random() * threeYears) / 2).toISOString();
    // About one in twelve never logged in; the rest spread over the last three years, so about
    // half of those are older than the 18 months that flag a user as inactive.
    const lastLoginAt = o.random() < 0.08 ? null : new Date(o.now.getTime() - o.random() * threeYears).toISOString();
    yield {
      id: randomUUID(),
      organisationId: o.organisationId,
      hsaId,
      givenName,
      surname,
      email: `${mailPart(givenName)}.${mailPart(surname)}${i + 1}@${o.mailDomain}`,
      version: 1,
      createdAt: created,
      updatedAt: created,
      lastLoginAt,
      permissions,
    };
  }
}

/** The first `count` users of a series (see userSeries). */
export function generateUsers(o: GeneratedUsersOptions): UserRecord[] {
  return takeUsers(userSeries(o), o.count);
}

/** The next `count` users of a series. */
export function takeUsers(series: Iterator<UserRecord>, count: number): UserRecord[] {
  const users: UserRecord[] = [];
  while (users.length < count) users.push(series.next().value as UserRecord);
  return users;
}

/** Inserts users in the given transaction. */
export async function insertUsers(tx: StorageTx, users: readonly UserRecord[]): Promise<void> {
  await tx.insertUsers(users);
}
