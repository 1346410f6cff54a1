import { test as base } from '@playwright/test';
import { launchApp, type LaunchedApp } from './launch-app';

/** `app` is a freshly launched program per test, closed afterwards whatever happens. */
export const test = base.extend<{ app: LaunchedApp }>({
  // Playwright requires a destructuring pattern here even when no fixture is used.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    const app = await launchApp();
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
});

export { expect } from '@playwright/test';
