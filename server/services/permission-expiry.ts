import type { Logger } from 'pino';
import { swedishDate } from '../../common/api/index';
import type { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import { permissionEndedMessage } from '../outbox/notification-messages';
import type { Storage } from '../storage/storage';

/** The audit actor of permissions that reached their end date. */
export const EXPIRY_ACTOR = 'system';
/** Users handled per round; a run repeats rounds until nothing is due. */
const BATCH = 100;
/** Rounds per run at most, so one run never holds the timer forever. */
const MAX_ROUNDS = 100;

/**
 * Ends time-limited permissions on their end date (source 003): from 00:00 Swedish time on that
 * date the permission is removed, with one audit entry (actor "system") and one e-mail to the user
 * per ended permission, all in the transaction that removes it. Safe with several instances on one
 * database: the removal is the claim (see `StorageTx.endPermissionsDue`), so two instances running
 * the job at once end, audit and mail each permission exactly once.
 */
export class PermissionExpiry {
  private job: PeriodicJob | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  /** Ends every permission due today or earlier; returns how many this call ended. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const today = swedishDate(now);
    const at = now.toISOString();
    let ended = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const due = await this.storage.usersWithPermissionsDue(today, BATCH);
      if (due.length === 0) break;
      for (const { userId, organisationId } of due) ended += await this.endFor(userId, organisationId, today, at);
      if (due.length < BATCH) break;
    }
    if (ended > 0) this.log?.info({ ended, today }, 'time-limited permissions ended');
    return ended;
  }

  private endFor(userId: string, organisationId: string, today: string, at: string): Promise<number> {
    return this.storage.transaction(async (tx) => {
      const ended = await tx.endPermissionsDue(userId, today, at);
      if (ended.length === 0) return 0; // another instance was first
      const [org, user] = await Promise.all([tx.getOrganisation(organisationId), tx.findUser(organisationId, userId)]);
      if (!org || !user) return 0;
      for (const e of ended) {
        const remaining = user.permissions[e.eserviceId] ?? [];
        await tx.insertAudit({
          organisationId,
          actor: EXPIRY_ACTOR,
          action: 'user.permission-ended',
          targetType: 'user',
          targetId: userId,
          before: { eserviceId: e.eserviceId, permissions: [e.permissionId], endsOn: e.endsOn },
          after: { eserviceId: e.eserviceId, permissions: remaining },
          at,
        });
        await tx.insertOutbox({
          organisationId,
          recipient: user.email,
          ...permissionEndedMessage({
            user,
            organisationName: org.name,
            eserviceId: e.eserviceId,
            permissionId: e.permissionId,
            endsOn: e.endsOn,
            remaining,
          }),
          createdAt: at,
        });
      }
      return ended.length;
    });
  }

  /** Runs every `intervalMs` until stop(); a failed run is logged and tried again next time. */
  start(intervalMs: number): void {
    this.job ??= new PeriodicJob({
      intervalMs,
      run: () => this.runOnce(),
      onError: (e) => this.log?.error({ err: e }, 'permission expiry failed'),
    });
    this.job.start();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    await this.job?.stop();
  }
}
