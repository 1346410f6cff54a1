import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '../../i18n/i18n';
import { createFakeAdministrationApi, ok, ORGANISATION } from '../admin-fakes';
import { AdministrationView } from '../administration-view';
import { generateUsers } from './generate-users';
import '../../styles.css';

/**
 * The grid benchmark's page: the real AdministrationView over a fake API whose listUsers parses
 * a JSON list of users (as an answer from main would arrive), driven by tests/bench/grid-bench.ts.
 */
declare global {
  interface Window {
    gridBench: { start: (count: number) => Promise<void>; firstRowsMs?: number; loadedAt?: number };
  }
}

window.gridBench = {
  async start(count) {
    const i18n = await createI18n('sv');
    const json = JSON.stringify({ users: generateUsers(count, ORGANISATION), total: count });
    const fake = createFakeAdministrationApi([]);
    const api = { ...fake.api, listUsers: async () => ok(JSON.parse(json)) };
    const root = createRoot(document.getElementById('root')!);
    const t0 = performance.now();
    root.render(
      <I18nextProvider i18n={i18n}>
        <AdministrationView api={api} />
      </I18nextProvider>,
    );
    await new Promise<void>((resolve) => {
      const poll = () => {
        if (document.querySelector('.ag-row[row-index]')) {
          // The rows are in the DOM; the next frame starts once they have been painted.
          requestAnimationFrame(() => {
            window.gridBench.firstRowsMs = performance.now() - t0;
            resolve();
          });
        } else requestAnimationFrame(poll);
      };
      poll();
    });
  },
};
