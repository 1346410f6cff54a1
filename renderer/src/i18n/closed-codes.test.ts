import { describe, expect, it } from 'vitest';
import {
  CHECK_IDS,
  CHECK_MESSAGE_CODES,
  CHECK_NOTE_CODES,
  checkStatusSchema,
} from '../../../common/diagnostics/diagnostic-check';
import { APP_ERROR_CODES } from '../../../common/errors/error-codes';
import { NOTICE_CODES } from '../../../common/ipc/contract';
import { CONFIG_PROBLEMS, SETTING_KEYS } from '../../../common/settings/settings';
import { errorMessageKey } from './error-message';
import { createI18n, LANGUAGES } from './i18n';

// Every closed code main sends has a text in each language of the catalogue the app loads (no
// fallback: an English text missing is missing, even though the app would show the Swedish one).
const CLOSED_CODES: ReadonlyArray<readonly [list: string, keys: readonly string[]]> = [
  ['error codes (common/errors/error-codes.ts)', APP_ERROR_CODES.map(errorMessageKey)],
  ['diagnostic check ids (common/diagnostics/diagnostic-check.ts)', CHECK_IDS.map((id) => `diagnostics.checks.${id}`)],
  ['diagnostic check notes', CHECK_NOTE_CODES.map((code) => `diagnostics.notes.${code}`)],
  ['diagnostic check statuses', checkStatusSchema.options.map((status) => `diagnostics.status.${status}`)],
  ['diagnostic check messages', CHECK_MESSAGE_CODES.map((code) => `diagnostics.messages.${code}`)],
  ['notices (common/ipc/contract.ts)', NOTICE_CODES.map((code) => `notices.${code}`)],
  ['configuration problems (common/settings/settings.ts)', CONFIG_PROBLEMS.map((problem) => `settings.problems.${problem}`)],
  ['what a valid value of each setting looks like', SETTING_KEYS.map((key) => `settings.expected.${key}`)],
];

describe('the catalogue has a text for every closed code', () => {
  it.each(CLOSED_CODES)('%s, in Swedish and English', async (_list, keys) => {
    const i18n = await createI18n();
    const missing = LANGUAGES.flatMap((language) =>
      keys.flatMap((key) => {
        const text: unknown = i18n.getResource(language, 'translation', key);
        return typeof text === 'string' && text.trim().length > 0 ? [] : [`${language}: ${key}`];
      }),
    );
    expect(missing).toEqual([]);
  });
});
