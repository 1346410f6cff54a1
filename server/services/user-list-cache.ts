import { SerializedJson } from '../http/serialized-json';

interface Entry {
  key: string;
  at: number;
  body: SerializedJson;
}

/**
 * The organisation's full user list, serialised once and reused while nothing changed: the key is
 * the storage's change stamp plus the organisation's agreements, and entries also expire so the
 * time-dependent inactivity flag stays right. Per server instance; any instance sees a change
 * through the stamp, which is read from the shared database on every request.
 */
export class UserListCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached body for this organisation and key, or the one `build` makes (then cached). */
  async get(organisationId: string, key: string, build: () => Promise<unknown>): Promise<SerializedJson> {
    const entry = this.entries.get(organisationId);
    if (entry && entry.key === key && this.now() - entry.at < this.maxAgeMs) return entry.body;
    const value = await build();
    const body = new SerializedJson(JSON.stringify(value), value);
    this.entries.set(organisationId, { key, at: this.now(), body });
    return body;
  }
}
