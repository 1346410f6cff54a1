import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { REPO_ROOT } from './support/launch-app';

const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('the window opens with the product name and the version main reports', async ({ app }) => {
  const { page } = app;
  await expect(page).toHaveTitle('Behörighetsadmin');
  await expect(page.getByRole('heading', { level: 1, name: 'Behörighetsadmin' })).toBeVisible();
  await expect(page.getByTestId('app-version')).toHaveText(`Version ${version}`);
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
});

test('the page has no Node or Electron globals and no raw IPC', async ({ app }) => {
  const globals = await app.page.evaluate(() => ({
    require: typeof (window as unknown as Record<string, unknown>).require,
    process: typeof (window as unknown as Record<string, unknown>).process,
    ipcRenderer: typeof (window as unknown as Record<string, unknown>).ipcRenderer,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
});

test('the language can be switched to English and back', async ({ app }) => {
  const { page } = app;
  await page.getByLabel('Språk').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.getByLabel('Language').selectOption('sv');
  await expect(page.getByRole('heading', { name: 'Logga in' })).toBeVisible();
});

test('inline script is blocked by the Content-Security-Policy', async ({ app }) => {
  const { page } = app;
  const executed = await page.evaluate(async () => {
    const marker = '__inlineRan';
    const script = document.createElement('script');
    script.textContent = `window.${marker} = true;`;
    document.body.appendChild(script);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return (window as unknown as Record<string, unknown>)[marker] === true;
  });
  expect(executed).toBe(false);
});
