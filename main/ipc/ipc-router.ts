import type { Logger } from 'pino';
import { AppFailure } from '../errors/app-failure';
import { isValidatedBy } from './validated-response';
import { originOf } from '../security/shell-decisions';
import { fail, ok, type AppErrorCode, type Result } from '../../common/errors/error-codes';
import { IPC_CHANNELS, isIpcChannel, type IpcChannel, type IpcRequest, type IpcResponse } from '../../common/ipc/contract';

/** Who sent an IPC message: the frame's URL and whether it is the window's top frame. */
export interface IpcSender {
  frameUrl: string | null;
  isMainFrame: boolean;
}

export type IpcHandlers = {
  [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResponse<C>> | IpcResponse<C>;
};

export interface IpcRouter {
  readonly channels: readonly IpcChannel[];
  /** Checks the sender, parses the payload, runs the handler; never throws. */
  dispatch(channel: string, payload: unknown, sender: IpcSender): Promise<Result<unknown>>;
}

export interface IpcRouterOptions {
  handlers: IpcHandlers;
  /** Origins our own renderer is served from (app://renderer in Electron, the bridge's origin). */
  trustedOrigins: readonly string[];
  logger: Logger;
}

/**
 * The one place every IPC message enters main, in Electron and in the test bridge alike.
 * A message from a frame that is not our window's top frame, or with a payload that does not
 * match the contract, is refused with a typed error and logged.
 */
export function createIpcRouter({ handlers, trustedOrigins, logger }: IpcRouterOptions): IpcRouter {
  const log = logger.child({ component: 'ipc' });
  const trusted = new Set(trustedOrigins);

  const refuse = (channel: string, code: AppErrorCode, extra: Record<string, unknown>) => {
    log.warn({ event: 'ipc-refused', channel, errorCode: code, ...extra }, 'IPC message refused');
    return fail(code);
  };

  return {
    channels: Object.keys(IPC_CHANNELS) as IpcChannel[],
    async dispatch(channel, payload, sender) {
      const origin = originOf(sender.frameUrl);
      if (!sender.isMainFrame || origin === null || !trusted.has(origin)) {
        return refuse(channel, 'ipc-forbidden-sender', { senderOrigin: origin, isMainFrame: sender.isMainFrame });
      }
      if (!isIpcChannel(channel)) {
        return refuse(channel, 'ipc-unknown-channel', {});
      }
      const contract = IPC_CHANNELS[channel];
      const parsed = contract.request.safeParse(payload);
      if (!parsed.success) {
        // Log where the payload is wrong, never the payload itself: it may carry a PIN.
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
        return refuse(channel, 'ipc-invalid-payload', { issues });
      }
      try {
        const handler = handlers[channel] as (request: unknown) => Promise<unknown> | unknown;
        const answer = await handler(parsed.data);
        // A page the backend client parsed with this very schema is not parsed a second time.
        const response = isValidatedBy(answer, contract.response) ? answer : contract.response.parse(answer);
        return ok(response);
      } catch (error) {
        if (error instanceof AppFailure) {
          log.info({ event: 'ipc-failed', channel, errorCode: error.code }, 'IPC call failed');
          return fail(error.code, Object.keys(error.details).length > 0 ? error.details : undefined);
        }
        log.error({ event: 'ipc-handler-failed', channel, err: error }, 'IPC handler failed');
        return fail('internal');
      }
    },
  };
}
