import { Worker } from 'node:worker_threads';
import type { EngineCardInfo, EngineRequest, EngineResponse } from './card-engine.js';

export type { EngineCardInfo } from './card-engine.js';

/** The lab thread's handle on the card engine worker. */
export class CardEngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: EngineResponse) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(new URL('./card-worker.mjs', import.meta.url));
    // The engine must never keep a test process alive on its own.
    this.worker.unref();
    this.worker.on('message', (res: EngineResponse) => {
      const p = this.pending.get(res.id);
      this.pending.delete(res.id);
      p?.resolve(res);
    });
    const fail = (err: Error): void => {
      this.failure = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(err));
    this.worker.on('exit', (code) => fail(new Error(`card engine exited (code ${code})`)));
  }

  /** Send one request; rejects on engine errors or after `timeoutMs`. */
  async request(req: EngineRequest, timeoutMs = 15_000): Promise<Array<EngineCardInfo | null> | undefined> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const res = await new Promise<EngineResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`card engine did not answer "${req.op}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage({ id, req });
    });
    if (!res.ok) throw new Error(res.error);
    return res.result;
  }

  /** Terminate the worker (closing every card socket with it). */
  async terminate(): Promise<void> {
    this.failure ??= new Error('card engine terminated');
    await this.worker.terminate();
  }
}
