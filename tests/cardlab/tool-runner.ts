/** Helpers for lab tests that drive OpenSC's and OpenSSL's own command-line tools. */
import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run a tool without throwing on a non-zero exit; killed after `timeoutMs`. */
export function runTool(file: string, args: string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<ToolResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', env: env ?? process.env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - started });
    });
  });
}

/** `pkcs11-tool --module MODULE ...args` (with extra environment variables, e.g. OPENSC_CONF). */
export function pkcs11Tool(
  module: string,
  args: string[],
  timeoutMs?: number,
  env?: Record<string, string>,
): Promise<ToolResult> {
  return runTool('pkcs11-tool', ['--module', module, ...args], timeoutMs, env ? { ...process.env, ...env } : undefined);
}

/** The CKR_ code a failed pkcs11-tool run reports, or CKR_OK. */
export function pkcs11ToolRv(result: ToolResult): string {
  return result.code === 0 ? 'CKR_OK' : (/rv = (CKR_\w+)/.exec(result.stderr)?.[1] ?? result.stderr.trim());
}

/** The slot list of `pkcs11-tool -L`, as { reader name: token label | '(empty)' | '(token not recognized)' }. */
export function parseSlots(listOutput: string): Record<string, string> {
  const slots: Record<string, string> = {};
  for (const block of listOutput.split(/^Slot \d+ \(0x[0-9a-f]+\): /m).slice(1)) {
    const [reader = '', ...rest] = block.split('\n');
    const label = /token label\s*:\s*(.*)$/m.exec(block)?.[1]?.trim();
    slots[reader.trim()] = label ?? rest.find((l) => l.trim().startsWith('('))?.trim() ?? '';
  }
  return slots;
}

/** The token flags line of the first slot with a token in `pkcs11-tool -L`. */
export function tokenFlags(listOutput: string): string {
  return /token flags\s*:\s*(.*)$/m.exec(listOutput)?.[1] ?? '';
}
