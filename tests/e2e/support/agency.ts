import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ReferenceBackend } from '../../fixtures/reference-backend';
import { LAB_PERSON } from '../../cardlab/index';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** The agency command (`npm run agency`) on the running backend's database, as the agency runs it. */
export async function agency(backend: ReferenceBackend, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(TSX, ['server/agency-cli.ts', '--db', backend.dbFile, ...args], {
    cwd: REPO_ROOT,
  });
  return stdout;
}

/** The lab card's person (Alva Testsson) administers Region Testland too, besides Testkommunen. */
export async function labPersonAdministersRegion(backend: ReferenceBackend): Promise<void> {
  const person = ['--hsa-id', LAB_PERSON.hsaId, '--given-name', LAB_PERSON.givenName, '--surname', LAB_PERSON.surname];
  await agency(backend, 'admin', 'add', '--org', 'region-testland', ...person, '--email', 'alva@regiontestland.se');
}
