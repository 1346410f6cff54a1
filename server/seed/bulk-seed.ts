import type { EServiceDefinition } from '../../common/api/index';
import type { AuditRecordInput, Storage, UserRecord } from '../storage/storage';
import { seededRandom, takeUsers, userSeries } from './demo-data';

export interface BulkSeedOptions {
  organisationId: string;
  /** SE + organisation number; each user's HSA-id is `${prefix}-U…` (see userSeries). */
  hsaPrefix: string;
  mailDomain: string;
  eservices: readonly EServiceDefinition[];
  /** Seed of the PRNG: the same seed gives the same names and permissions on every machine. */
  seed: number;
  now?: Date;
  /** HSA-ids not to hand out (the organisation's administrators). */
  reserved?: ReadonlySet<string>;
  /** An audit record per user, loaded with it (the scaling bench's audit rows). */
  auditOf?: (user: UserRecord) => AuditRecordInput;
  /** Users generated and inserted per batch (memory stays at one batch). */
  batchSize?: number;
  /** How many users, spread evenly over the series, to hand back (a bench's search samples). */
  samples?: number;
}

/**
 * A series of generated users that can be loaded in steps (1k, then up to 10k, …): each `load`
 * bulk-loads the next users in one transaction with the indexes built after the rows (see
 * Storage.bulkLoadUsers). The one seed path of the benchmarks, on both engines.
 */
export class BulkSeeder {
  private readonly series: Iterator<UserRecord>;
  private loaded = 0;
  /** Some of the loaded users, spread over the series. */
  readonly sample: UserRecord[] = [];

  constructor(
    private readonly storage: Pick<Storage, 'bulkLoadUsers'>,
    private readonly options: BulkSeedOptions,
  ) {
    this.series = userSeries({
      organisationId: options.organisationId,
      hsaPrefix: options.hsaPrefix,
      mailDomain: options.mailDomain,
      eservices: options.eservices,
      now: options.now ?? new Date(),
      random: seededRandom(options.seed),
      ...(options.reserved ? { reserved: options.reserved } : {}),
    });
  }

  /** How many users are in the database so far. */
  get count(): number {
    return this.loaded;
  }

  /** Loads users until `total` are in; returns the seconds it took (generating included). */
  async loadUpTo(total: number): Promise<number> {
    const started = performance.now();
    const batchSize = this.options.batchSize ?? 20_000;
    const wanted = total - this.loaded;
    const every = this.options.samples ? Math.max(1, Math.floor(wanted / this.options.samples)) : 0;
    const { series, sample } = this;
    const auditOf = this.options.auditOf;
    async function* batches() {
      let done = 0;
      while (done < wanted) {
        const users = takeUsers(series, Math.min(batchSize, wanted - done));
        if (every > 0) {
          for (let k = 0; k < users.length; k++) if ((done + k) % every === 0) sample.push(users[k]!);
        }
        done += users.length;
        yield auditOf ? { users, audit: users.map(auditOf) } : { users };
        // Let the event loop breathe between batches (timers, a bench's progress output).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (wanted > 0) this.loaded += await this.storage.bulkLoadUsers(batches());
    return (performance.now() - started) / 1000;
  }
}
