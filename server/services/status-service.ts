import type { Status } from '../../common/api/index';
import type { Clock } from '../clock';
import type { Storage } from '../storage/storage';

/** GET /status: database reachable, and the operator's message about disturbances. */
export class StatusService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly version: string,
  ) {}

  /** Health as the client and `doctor` see it; never throws. */
  async status(): Promise<Status> {
    const time = this.clock.now().toISOString();
    try {
      await this.storage.ping();
      const message = await this.storage.getOperatorMessage();
      return { status: message?.severity === 'disturbance' ? 'degraded' : 'ok', time, version: this.version, message };
    } catch {
      return { status: 'unavailable', time, version: this.version, message: null };
    }
  }
}
