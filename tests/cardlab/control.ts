/**
 * The control channel of a running `cardlab serve`: a small JSON-over-HTTP server on 127.0.0.1 whose
 * address is written to `.cardlab/run/control.json`, and the client the `insert/remove/status/fault`
 * commands use.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { z } from 'zod';
import { CONTROL_FILE, RUN_DIR } from './paths.js';
import { LAB_READER_NAMES } from './pcscd.js';
import { PROFILE_NAMES } from './profiles.js';
import type { CardLab } from './lab.js';

/** A lab reader by index (2: the impostor reader) or by its PC/SC name. */
const readerSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.enum(LAB_READER_NAMES)]);

const personSchema = z.object({
  givenName: z.string().min(1),
  surname: z.string().min(1),
  hsaId: z.string().min(1),
  organisation: z.string().min(1),
});

export const insertRequestSchema = z.object({
  profile: z.enum(PROFILE_NAMES),
  person: personSchema.optional(),
  reader: readerSchema.optional(),
  pinTriesLeft: z.number().int().min(0).max(3).optional(),
  pukTriesLeft: z.number().int().min(0).max(3).optional(),
});

export const removeRequestSchema = z.object({ reader: readerSchema.optional() });

export const faultRequestSchema = z.object({
  reader: readerSchema.optional(),
  fault: z.object({ on: z.enum(['sign', 'verify', 'any']), action: z.enum(['disconnect', 'stall']) }).nullable(),
});

export const revocationRequestSchema = z
  .object({ ocsp: z.enum(['up', 'unknown', 'down']).optional(), crl: z.enum(['up', 'down']).optional() })
  .strict();

/** Contents of `.cardlab/run/control.json`. */
export interface ControlInfo {
  pid: number;
  url: string;
  port: number;
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** A running control server. */
export interface ControlServer {
  info: ControlInfo;
  close(): Promise<void>;
}

/** Serve the lab's control API on 127.0.0.1 (random port) and publish its address. */
export async function startControlServer(lab: CardLab): Promise<ControlServer> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        if (req.method === 'GET' && req.url === '/status') {
          reply(200, await lab.status());
          return;
        }
        if (req.method !== 'POST') {
          reply(404, { error: 'not found' });
          return;
        }
        const body = await readBody(req);
        switch (req.url) {
          case '/insert':
            await lab.insert(insertRequestSchema.parse(body));
            break;
          case '/remove':
            await lab.remove(removeRequestSchema.parse(body).reader);
            break;
          case '/revocation':
            await lab.setRevocation(revocationRequestSchema.parse(body));
            break;
          case '/fault': {
            const { fault, reader } = faultRequestSchema.parse(body);
            await lab.setFault(fault, reader);
            break;
          }
          default:
            reply(404, { error: 'not found' });
            return;
        }
        reply(200, await lab.status());
      } catch (err) {
        reply(400, { error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const info: ControlInfo = { pid: process.pid, url: `http://127.0.0.1:${port}`, port };
  await mkdir(RUN_DIR, { recursive: true });
  await writeFile(CONTROL_FILE, JSON.stringify(info) + '\n');
  return {
    info,
    close: async () => {
      try {
        const current = JSON.parse(await readFile(CONTROL_FILE, 'utf8')) as ControlInfo;
        if (current.pid === process.pid) await rm(CONTROL_FILE, { force: true });
      } catch {
        // already gone
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Read the running lab's control address, or fail with a hint to start one. */
export async function readControlInfo(): Promise<ControlInfo> {
  let info: ControlInfo;
  try {
    info = JSON.parse(await readFile(CONTROL_FILE, 'utf8')) as ControlInfo;
  } catch {
    throw new Error('no card lab is running: start one with `npm run cardlab -- serve --profile valid`');
  }
  try {
    process.kill(info.pid, 0);
  } catch {
    throw new Error(`the card lab that wrote ${CONTROL_FILE} (pid ${info.pid}) is no longer running`);
  }
  return info;
}

/** Call the running lab's control API; returns the parsed JSON reply. */
export async function callControl(method: 'GET' | 'POST', route: string, body?: unknown, timeoutMs = 20_000): Promise<unknown> {
  const info = await readControlInfo();
  const res = await fetch(info.url + route, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) {
    const message = (json as { error?: string }).error ?? `HTTP ${res.status}`;
    throw new Error(message);
  }
  return json;
}
