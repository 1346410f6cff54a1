import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { POLICY_ONLY_KEYS, SETTING_VALUE_SCHEMAS, type SettingKey, type SettingValue } from '../../common/settings/settings';
import { AppFailure } from '../errors/app-failure';

/** The user's own settings file: read whole, changed one key at a time, written atomically. */
export class UserSettingsStore {
  constructor(readonly file: string) {}

  private readObject(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AppFailure('validation-failed', { key: 'file', reason: 'user-file-unreadable' });
    }
    try {
      const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through: a broken file is kept aside, never silently lost
    }
    renameSync(this.file, `${this.file}.invalid-${Date.now()}`);
    return {};
  }

  /**
   * Sets (or with null removes) one key after checking it against its schema; refuses keys the
   * policy locks and keys only policy may set. A broken file is renamed aside, not overwritten.
   */
  set(key: SettingKey, value: SettingValue, lockedKeys: ReadonlySet<SettingKey>): void {
    if (lockedKeys.has(key)) throw new AppFailure('validation-failed', { key, reason: 'locked-by-policy' });
    if (POLICY_ONLY_KEYS.includes(key)) throw new AppFailure('validation-failed', { key, reason: 'policy-only' });
    const current = this.readObject();
    if (value === null && key !== 'backendUrl') {
      delete current[key];
    } else {
      const parsed = SETTING_VALUE_SCHEMAS[key].safeParse(value);
      if (!parsed.success) throw new AppFailure('validation-failed', { key, reason: 'invalid-value' });
      if (parsed.data === null) delete current[key];
      else current[key] = parsed.data;
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(current, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
