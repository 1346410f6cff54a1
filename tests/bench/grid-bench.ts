/**
 * `npm run bench:grid`: loads 100,000 users into the administration grid in Chromium and prints
 * the time to first rows, a search keystroke, a sort, and the renderer's JS heap.
 *
 *   npm run bench:grid -- [--users N] [--check]   (--check: exit 1 when a target is missed)
 *
 * The page is the real AdministrationView (renderer/src/admin/bench/) built by Vite, served with
 * the app's Content-Security-Policy, over a fake API whose listUsers parses the list from JSON.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { buildContentSecurityPolicy } from '../../main/security/window-security';
import { reportFigures } from './bench-report';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUT = path.join(ROOT, 'dist', 'grid-bench');
const PAGE = 'src/admin/bench/grid-bench.html';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const TARGETS = { firstRowsMs: 1500, keystrokeMs: 100, sortMs: 300, heapMB: 300 };

const { values } = parseArgs({ options: {
    users: { type: 'string', default: '100000' },
    check: { type: 'boolean', default: false },
    profile: { type: 'string' },
  }, });
const USERS = Number(values.users);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

function serve(): Promise<{ url: string; close(): void }> {
  const csp = buildContentSecurityPolicy();
  const server = http.createServer((req, res) => {
    const file = path.join(OUT, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!file.startsWith(OUT) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': csp });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/${PAGE}`, close: () => server.close() });
    }),
  );
}

/** What the bench page (renderer/src/admin/bench/grid-bench-main.tsx) puts on window. */
interface BenchWindow {
  gridBench: { start(count: number): Promise<void>; firstRowsMs?: number };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** With --profile keystroke|sort: the functions that took the most self time in that step. */
async function profiled<T>(page: Page, step: string, run: () => Promise<T>): Promise<T> {
  if (values.profile !== step) return run();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const value = await run();
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').at(-1)}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(`Profile of ${step}:`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
  return value;
}

/** Arms an in-page timer from the next trusted input event to the first frame after `changed()` holds. */
async function armTimer(page: Page, eventType: 'keydown' | 'mousedown', watch: 'count' | 'first-row'): Promise<void> {
  await page.evaluate(
    ({ eventType, watch }) => {
      const w = window as unknown as { benchResult?: number | null };
      w.benchResult = null;
      const read = () =>
        watch === 'count'
          ? document.querySelector('[data-testid="user-count"]')?.textContent
          : document.querySelector('.ag-row[row-index="0"]')?.textContent;
      const before = read();
      const onEvent = (event: Event) => {
        document.removeEventListener(eventType, onEvent, true);
        const started = event.timeStamp;
        const poll = () => {
          if (read() !== before) requestAnimationFrame(() => (w.benchResult = performance.now() - started));
          else requestAnimationFrame(poll);
        };
        poll();
      };
      document.addEventListener(eventType, onEvent, true);
    },
    { eventType, watch },
  );
}

async function result(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as { benchResult?: number | null }).benchResult ?? null, null, { timeout: 30_000 });
  return Math.round((await handle.jsonValue()) as number);
}

async function main(): Promise<void> {
  process.stdout.write(`Building the bench page … `);
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: OUT, emptyOutDir: true, sourcemap: false, rollupOptions: { input: path.join(ROOT, 'renderer', PAGE) } },
  });
  console.log('done');
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('crash', () => console.error('The page crashed.'));
    if (process.env.BENCH_DEBUG) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
    // tsx (esbuild keepNames) wraps functions passed to page.evaluate in __name(); give the page one.
    await page.addInitScript('globalThis.__name = (fn) => fn;');
    await page.goto(server.url);
    await page.waitForFunction(() => 'gridBench' in window);

    await page.evaluate((n) => (window as unknown as BenchWindow).gridBench.start(n), USERS);
    const firstRowsMs = Math.round(await page.evaluate(() => (window as unknown as BenchWindow).gridBench.firstRowsMs!));
    await page.getByTestId('user-count').filter({ hasText: /\d/ }).waitFor();
    // An administrator reads the list before typing; the search texts are built in idle time.
    await page.waitForTimeout(2000);

    // Search: three keystrokes, each timed from keydown to the painted result.
    const search = page.getByLabel('Sök', { exact: true });
    await search.focus();
    const keystrokes: number[] = [];
    for (const key of ['a', 'n', 'n']) {
      await armTimer(page, 'keydown', 'count');
      keystrokes.push(
        await profiled(page, key === 'n' && keystrokes.length === 1 ? 'keystroke' : `keystroke-${key}`, async () => {
          await page.keyboard.press(key);
          return result(page);
        }),
      );
    }
    await armTimer(page, 'keydown', 'count');
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    const clearMs = await result(page);

    // Sort the whole list by last name, then descending.
    const header = page.locator('.ag-header-cell[col-id="surname"] .ag-header-cell-label');
    const sorts: number[] = [];
    for (let i = 0; i < 2; i++) {
      await armTimer(page, 'mousedown', 'first-row');
      sorts.push(
        await profiled(page, i === 0 ? 'sort' : 'sort-desc', async () => {
          await header.click();
          return result(page);
        }),
      );
    }

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const heapMB = Math.round(heap.usedSize / 1024 / 1024);
    const shown = await page.getByTestId('user-count').textContent();

    const keystrokeMs = Math.max(...keystrokes);
    const sortMs = Math.max(...sorts);
    const rows: [string, number, number, string][] = [
      ['first rows', firstRowsMs, TARGETS.firstRowsMs, 'ms'],
      ['search keystroke (worst of a, n, n)', keystrokeMs, TARGETS.keystrokeMs, 'ms'],
      ['sort by last name (worst of asc, desc)', sortMs, TARGETS.sortMs, 'ms'],
      ['renderer JS heap after GC', heapMB, TARGETS.heapMB, 'MB'],
    ];
    console.log(`\nGrid benchmark: ${USERS.toLocaleString('sv-SE')} users in ${await browser.version()} (${shown})`);
    for (const [name, value, target, unit] of rows) {
      console.log(`  ${name.padEnd(42)} ${String(value).padStart(6)} ${unit}   target ≤ ${target} ${unit}   ${value <= target ? 'ok' : 'MISSED'}`);
    }
    console.log(`  keystrokes ${keystrokes.join(' / ')} ms; clearing the search ${clearMs} ms; sorts ${sorts.join(' / ')} ms`);
    if (errors.length) console.log(`  page errors:\n    ${errors.join('\n    ')}`);
    reportFigures(
      'grid',
      rows.map(([metric, value, target, unit]) => ({ metric: `grid with ${USERS} users: ${metric}`, value, unit, target: `<= ${target}` })),
    );
    if (values.check && rows.some(([, value, target]) => value > target)) process.exitCode = 1;
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
