import { randomUUID } from 'node:crypto';
import type { Status } from '../../common/api/index';
import type { Clock } from '../core/clock';
import { StorageError } from '../storage/storage-error';
import type { Storage } from '../storage/storage';

/** How often GET /status really writes to find out whether the database can be written. */
const WRITE_PROBE_INTERVAL_MS = 10_000;

type DatabaseState = NonNullable<Status['database']>;

function databaseState(e: unknown): DatabaseState {
  if (!(e instanceof StorageError)) return 'fault';
  if (e.kind === 'read-only' || e.kind === 'disk-full' || e.kind === 'unreachable') return e.kind;
  return 'fault';
}

const CANNOT_SAVE = 'Ändringar kan inte sparas just nu: tjänstens databas går inte att skriva till. Försök igen senare.';

/**
 * GET /status: the database reachable and writable (a real write, at most every 10 s), and the
 * operator's message about disturbances.
 */
export class StatusService {
  /** This instance's row in write_probes. */
  readonly instanceId = randomUUID();
  private probe: { at: number; state: DatabaseState } | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly version: string,
    private readonly onFault: (e: unknown) => void = () => undefined,
  ) {}

  private async writeState(now: Date): Promise<DatabaseState> {
    if (this.probe && now.getTime() - this.probe.at < WRITE_PROBE_INTERVAL_MS) return this.probe.state;
    let state: DatabaseState = 'ok';
    try {
      await this.storage.probeWrite(this.instanceId, now.toISOString());
    } catch (e) {
      state = databaseState(e);
      this.onFault(e);
    }
    this.probe = { at: now.getTime(), state };
    return state;
  }

  /** Health as the client and `doctor` see it; never throws. */
  async status(): Promise<Status> {
    const now = this.clock.now();
    const time = now.toISOString();
    try {
      await this.storage.ping();
      const message = await this.storage.getOperatorMessage();
      const database = await this.writeState(now);
      if (database !== 'ok') {
        return {
          status: 'degraded',
          time,
          version: this.version,
          message: message ?? { severity: 'disturbance', text: CANNOT_SAVE, since: time },
          database,
        };
      }
      return { status: message?.severity === 'disturbance' ? 'degraded' : 'ok', time, version: this.version, message, database };
    } catch (e) {
      this.onFault(e);
      return { status: 'unavailable', time, version: this.version, message: null, database: databaseState(e) };
    }
  }
}
