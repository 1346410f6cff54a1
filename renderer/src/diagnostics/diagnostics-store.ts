import { createStore } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import type { CardSnapshot } from '../../../common/card/card-state';
import type { DiagnosticCheck } from '../../../common/diagnostics/diagnostic-check';
import type { TestSignatureResult } from '../../../common/diagnostics/support-report';
import type { AppError } from '../../../common/errors/error-codes';

export type DiagnosticsApi = Pick<
  AppApi,
  | 'runDiagnostics'
  | 'testSignature'
  | 'getSupportReport'
  | 'saveSupportReport'
  | 'openLogFolder'
  | 'rereadCard'
  | 'restartCardProcess'
  | 'on'
>;

export type DiagnosticsAction = 'reread' | 'restart' | 'sign' | 'copy' | 'save' | 'log-folder';

/** What the last action left to tell the user (a polite status line). */
export type DiagnosticsNotice =
  | { kind: 'copied' }
  | { kind: 'saved'; path: string }
  | { kind: 'save-cancelled' }
  | { kind: 'log-folder'; path: string; opened: boolean }
  | { kind: 'no-log-folder' }
  | { kind: 'reread' }
  | { kind: 'restarted' };

export interface DiagnosticsState {
  checks: DiagnosticCheck[] | null;
  ranAt: string | null;
  running: boolean;
  /** The action under way, if any (its button shows busy; the others wait). */
  action: DiagnosticsAction | null;
  /** The last action's failure. */
  error: AppError | null;
  notice: DiagnosticsNotice | null;
  testSignature: TestSignatureResult | null;
  /** Runs the checks now (a run already under way is followed by one more). */
  run(): Promise<void>;
  /** First run, then again whenever the card changes and every `pollMs`; returns the stop function. */
  connect(): () => void;
  reread(): Promise<void>;
  restartCardProcess(): Promise<void>;
  /** Test signature with the PIN; true when the card signed (verified or not). The PIN is not kept. */
  signWithPin(pin: string): Promise<boolean>;
  clearSignature(): void;
  copyReport(): Promise<void>;
  saveReport(): Promise<void>;
  openLogFolder(): Promise<void>;
}

export interface DiagnosticsStoreOptions {
  /** Puts the report text on the clipboard (navigator.clipboard in the app). */
  writeClipboard: (text: string) => Promise<void>;
  /** Runs the checks again at this interval while connected (the backend can come back on its own); 0 = never. */
  pollMs?: number;
}

/** What of a card snapshot matters to the checks: everything but its time stamp. */
function cardKey(snapshot: CardSnapshot): string {
  return JSON.stringify([snapshot.pcsc, snapshot.module, snapshot.tokens, snapshot.process]);
}

/** The diagnostics view's state, from the slice of the API it uses. */
export function createDiagnosticsStore(api: DiagnosticsApi, { writeClipboard, pollMs = 10_000 }: DiagnosticsStoreOptions) {
  return createStore<DiagnosticsState>()((set, get) => {
    let inFlight: Promise<void> | null = null;
    let again = false;

    const runOnce = async () => {
      set({ running: true });
      const result = await api.runDiagnostics();
      set(
        result.ok
          ? { running: false, checks: result.value.checks, ranAt: result.value.ranAt }
          : { running: false, error: result.error },
      );
    };

    const act = async <T>(
      action: DiagnosticsAction,
      call: () => Promise<{ ok: true; value: T } | { ok: false; error: AppError }>,
      done: (value: T) => Partial<DiagnosticsState>,
    ) => {
      if (get().action) return false;
      set({ action, error: null, notice: null });
      const result = await call();
      set(result.ok ? { action: null, ...done(result.value) } : { action: null, error: result.error });
      return result.ok;
    };

    return {
      checks: null,
      ranAt: null,
      running: false,
      action: null,
      error: null,
      notice: null,
      testSignature: null,
      run() {
        if (inFlight) {
          again = true;
          return inFlight;
        }
        inFlight = (async () => {
          do {
            again = false;
            await runOnce();
          } while (again);
          inFlight = null;
        })();
        return inFlight;
      },
      connect() {
        let lastKey: string | null = null;
        const off = api.on('card:snapshot', (snapshot) => {
          const key = cardKey(snapshot);
          // A run refreshes the card, which may push an unchanged snapshot: only a change re-runs.
          if (key === lastKey) return;
          lastKey = key;
          void get().run();
        });
        void get().run();
        const timer = pollMs > 0 ? setInterval(() => void get().run(), pollMs) : null;
        return () => {
          off();
          if (timer) clearInterval(timer);
        };
      },
      async reread() {
        if (
          await act(
            'reread',
            () => api.rereadCard(),
            () => ({ notice: { kind: 'reread' } }),
          )
        )
          await get().run();
      },
      async restartCardProcess() {
        if (
          await act(
            'restart',
            () => api.restartCardProcess(),
            () => ({ notice: { kind: 'restarted' } }),
          )
        )
          await get().run();
      },
      async signWithPin(pin) {
        set({ testSignature: null });
        const signed = await act(
          'sign',
          () => api.testSignature({ pin }),
          (value) => ({ testSignature: value }),
        );
        // A wrong PIN changes the card's PIN state: show it.
        void get().run();
        return signed;
      },
      clearSignature() {
        set({ testSignature: null, error: null });
      },
      async copyReport() {
        await act(
          'copy',
          async () => {
            const report = await api.getSupportReport();
            if (!report.ok) return report;
            try {
              await writeClipboard(report.value.text);
              return { ok: true as const, value: null };
            } catch {
              return { ok: false as const, error: { code: 'internal' as const } };
            }
          },
          () => ({ notice: { kind: 'copied' } }),
        );
      },
      async saveReport() {
        await act(
          'save',
          () => api.saveSupportReport(),
          ({ saved, path }) => ({ notice: saved && path ? { kind: 'saved', path } : { kind: 'save-cancelled' } }),
        );
      },
      async openLogFolder() {
        await act(
          'log-folder',
          () => api.openLogFolder(),
          ({ opened, path }) => ({ notice: path ? { kind: 'log-folder', path, opened } : { kind: 'no-log-folder' } }),
        );
      },
    };
  });
}
