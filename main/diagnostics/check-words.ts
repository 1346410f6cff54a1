import type { CheckId, CheckNote, CheckStatus, DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import { catalogueTranslator, type Language, type WordsIn } from '../../renderer/src/i18n/catalogue';
import type diagnosticsEn from '../../renderer/src/i18n/diagnostics.en.json';
import type diagnosticsSv from '../../renderer/src/i18n/diagnostics.sv.json';

// The keys that have words in both languages: a code of common/ without a text in either does not
// compile here (closed-codes.test says which one, at run time, for the whole catalogue).
type Both<Part extends keyof typeof diagnosticsSv & keyof typeof diagnosticsEn> = WordsIn<(typeof diagnosticsSv)[Part]> &
  WordsIn<(typeof diagnosticsEn)[Part]>;

/** The support report's text lines, as the catalogue names them (diagnostics.report). */
export type ReportKey = Both<'report'>;

/** The words of the checks, from the renderer's catalogue: for the doctor's output and the support report. */
export interface CheckWords {
  title(id: CheckId): string;
  status(status: CheckStatus): string;
  message(check: Pick<DiagnosticCheck, 'code' | 'params'>): string;
  note(note: CheckNote): string;
  /** A line or word of the support report's text. */
  report(key: ReportKey, params?: Record<string, string | number>): string;
  /** What `npm run doctor` says besides the checks. */
  doctor(key: Both<'doctor'>, params?: Record<string, string | number>): string;
}

/** The checks' titles, statuses, messages and notes in one language of the catalogue (Swedish unless asked). */
export function checkWords(language: Language = 'sv'): CheckWords {
  const t = catalogueTranslator(language);
  const title = (id: CheckId & Both<'checks'>) => t(`diagnostics.checks.${id}`);
  const status = (value: CheckStatus & Both<'status'>) => t(`diagnostics.status.${value}`);
  const message = (code: Both<'messages'>, params: DiagnosticCheck['params']) => t(`diagnostics.messages.${code}`, params);
  const note = (code: Both<'notes'>, params: CheckNote['params']) => t(`diagnostics.notes.${code}`, params);
  return {
    title,
    status,
    message: (check) => message(check.code, check.params),
    note: (item) => note(item.code, item.params),
    report: (key, params) => t(`diagnostics.report.${key}`, params),
    doctor: (key, params) => t(`diagnostics.doctor.${key}`, params),
  };
}
