import type { CheckId, CheckNote, CheckStatus, DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import { catalogueTranslator, type Language } from '../../renderer/src/i18n/catalogue';

/** The words of the checks, from the renderer's catalogue: for the doctor's output and the support report. */
export interface CheckWords {
  title(id: CheckId): string;
  status(status: CheckStatus): string;
  message(check: Pick<DiagnosticCheck, 'code' | 'params'>): string;
  note(note: CheckNote): string;
}

/** The checks' titles, statuses, messages and notes in one language of the catalogue (Swedish unless asked). */
export function checkWords(language: Language = 'sv'): CheckWords {
  const t = catalogueTranslator(language);
  return {
    title: (id) => t(`diagnostics.checks.${id}`),
    status: (status) => t(`diagnostics.status.${status}`),
    message: (check) => t(`diagnostics.messages.${check.code}`, check.params),
    note: (note) => t(`diagnostics.notes.${note.code}`, note.params),
  };
}
