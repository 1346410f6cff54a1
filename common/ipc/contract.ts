import { z } from 'zod';
import {
  administratorEntrySchema,
  administratorListSchema,
  hsaIdSchema,
  isoDateSchema,
  auditListSchema,
  newUserSchema,
  organisationSchema,
  statusSchema,
  eserviceIdSchema,
  USER_PAGE_MAX,
  userPageSchema,
  endingFilterSchema,
  userPatchSchema,
  userSchema,
} from '../api/schemas';
import { SORT_DIRECTIONS, USER_SORT_COLUMNS } from '../api/user-list';
import { cardSnapshotSchema } from '../card/card-state';
import { diagnosticsRunSchema, supportReportFilesSchema, testSignatureResultSchema } from '../diagnostics/support-report';
import { pinSchema, sessionStateSchema } from '../session/session-state';
import { setUserSettingRequestSchema, settingsReportSchema } from '../settings/settings';

/**
 * The one IPC contract shared by main, preload, the test bridge and the renderer.
 * Every channel names the preload method that calls it and the schemas of its request and
 * response; main parses every request against its schema before any handler runs.
 */

export const appInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** How the renderer reaches main: the real Electron IPC, or the development/test bridge. */
  transport: z.enum(['electron-ipc', 'test-bridge']),
  electronVersion: z.string().nullable(),
  nodeVersion: z.string(),
  /** Running against the local demo environment (reference backend, lab card): never a packaged build. */
  demoMode: z.boolean().optional(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** What main may tell the window of its own accord: a closed set of codes, their words in the catalogue (notices.<code>). */
export const NOTICE_CODES = ['demo-mode'] as const;

export const noticeEventSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.enum(NOTICE_CODES),
  /** The values the notice's words name (absent: none). */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

const noRequest = z.undefined();
const userId = z.string().min(1).max(100);
const version = z.number().int().nonnegative();

/**
 * Why the backend's status could not be had: the one closed vocabulary of the backend probe
 * (main/backend/backend-probe.ts), used by the login view's troubleshooting, diagnostics and the doctor.
 */
export const BACKEND_UNREACHABLE_REASONS = ['not-configured', 'timeout', 'refused', 'http-error', 'malformed'] as const;
export type BackendUnreachableReason = (typeof BACKEND_UNREACHABLE_REASONS)[number];

/** What the login view needs to know about the backend for troubleshooting. */
export const backendHealthSchema = z.discriminatedUnion('reachable', [
  z.object({ reachable: z.literal(true), status: statusSchema, url: z.string() }),
  z.object({ reachable: z.literal(false), url: z.string().nullable(), reason: z.enum(BACKEND_UNREACHABLE_REASONS) }),
]);
export type BackendHealth = z.infer<typeof backendHealthSchema>;

export const IPC_CHANNELS = {
  'app:get-info': {
    method: 'getAppInfo',
    request: noRequest,
    response: appInfoSchema,
  },
  'app:open-external': {
    method: 'openExternal',
    request: z.object({ url: z.string().max(2048) }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
  'card:get-snapshot': {
    method: 'getCardSnapshot',
    request: noRequest,
    response: cardSnapshotSchema,
  },
  'card:reread': {
    method: 'rereadCard',
    request: noRequest,
    response: cardSnapshotSchema,
  },
  'card:restart-process': {
    method: 'restartCardProcess',
    request: noRequest,
    response: cardSnapshotSchema,
  },
  /** "Byt PIN-kod": both PINs cross IPC once, here, and go on to the card process only. */
  'card:change-pin': {
    method: 'changePin',
    request: z
      .object({
        slotId: z.string().min(1).max(128),
        certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
        oldPin: pinSchema,
        newPin: pinSchema,
      })
      .strict(),
    response: cardSnapshotSchema,
  },
  /** "Lås upp PIN-kod med PUK": the PUK and the new PIN cross IPC once, here, to the card process only. */
  'card:unblock-pin': {
    method: 'unblockPin',
    request: z
      .object({
        slotId: z.string().min(1).max(128),
        certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
        puk: pinSchema,
        newPin: pinSchema,
      })
      .strict(),
    response: cardSnapshotSchema,
  },
  'session:get-state': {
    method: 'getSessionState',
    request: noRequest,
    response: sessionStateSchema,
  },
  /**
   * The PIN crosses IPC once, here, and goes on to the card process only. `readerName`: the reader
   * of the card the user chose (absent: the one card that can log in, if exactly one can).
   */
  'session:login': {
    method: 'login',
    request: z.object({ pin: pinSchema, readerName: z.string().min(1).max(256).optional() }).strict(),
    response: sessionStateSchema,
  },
  'session:logout': {
    method: 'logout',
    request: noRequest,
    response: sessionStateSchema,
  },
  /** The organisation the session works in, among the person's organisations. */
  'session:choose-organisation': {
    method: 'chooseOrganisation',
    request: z.object({ organisationId: z.string().min(1).max(64) }).strict(),
    response: sessionStateSchema,
  },
  'backend:get-health': {
    method: 'getBackendHealth',
    request: noRequest,
    response: backendHealthSchema,
  },
  'admin:get-organisation': {
    method: 'getOrganisation',
    request: noRequest,
    response: organisationSchema,
  },
  /** One page of the user list: what the grid shows, never the whole organisation. */
  'admin:list-user-page': {
    method: 'listUserPage',
    request: z
      .object({
        limit: z.number().int().min(1).max(USER_PAGE_MAX),
        cursor: z.string().min(1).max(1024).optional(),
        sort: z.enum(USER_SORT_COLUMNS),
        direction: z.enum(SORT_DIRECTIONS),
        search: z.string().max(200),
        eservice: eserviceIdSchema.optional(),
        permission: z.string().min(1).max(64).optional(),
        ending: endingFilterSchema,
        scope: z.enum(['organisation', 'all']).optional(),
        organisation: z.string().min(1).max(64).optional(),
        /** 'export': a page of "Exportera lista (CSV)", which a newer search in the grid never aborts. */
        purpose: z.literal('export').optional(),
      })
      .strict(),
    response: userPageSchema,
  },
  'admin:get-user': {
    method: 'getUser',
    request: z.object({ id: userId }).strict(),
    response: userSchema,
  },
  'admin:create-user': {
    method: 'createUser',
    request: z.object({ user: newUserSchema }).strict(),
    response: userSchema,
  },
  'admin:update-user': {
    method: 'updateUser',
    request: z.object({ id: userId, version, patch: userPatchSchema }).strict(),
    response: userSchema,
  },
  'admin:delete-user': {
    method: 'deleteUser',
    request: z.object({ id: userId, version }).strict(),
    response: z.object({ deleted: z.literal(true) }),
  },
  'admin:set-permissions': {
    method: 'setPermissions',
    request: z
      .object({
        id: userId,
        version,
        eserviceId: z.string().min(1).max(64),
        permissions: z.array(z.string().min(1).max(64)).max(50),
        /** Permission id → end date (YYYY-MM-DD) for the time-limited ones; absent: none. */
        endDates: z.record(z.string().min(1).max(64), isoDateSchema).optional(),
      })
      .strict(),
    response: userSchema,
  },
  /** "Administratörer": the organisation's authorised orderer(s) and administrators. */
  'admin:list-administrators': {
    method: 'listAdministrators',
    request: noRequest,
    response: administratorListSchema,
  },
  /** The authorised orderer appoints an administrator. */
  'admin:appoint-administrator': {
    method: 'appointAdministrator',
    request: z.object({ person: newUserSchema }).strict(),
    response: administratorEntrySchema,
  },
  /** The authorised orderer removes an administrator. */
  'admin:remove-administrator': {
    method: 'removeAdministrator',
    request: z.object({ hsaId: hsaIdSchema }).strict(),
    response: z.object({ removed: z.literal(true) }),
  },
  'admin:list-audit': {
    method: 'listAudit',
    request: z
      .object({
        limit: z.number().int().min(1).max(1000).optional(),
        before: z.number().int().min(1).optional(),
        userId: userId.optional(),
      })
      .strict(),
    response: auditListSchema,
  },
  /** Settings: every value with its source and policy lock, and what is wrong in the configuration. */
  'settings:get': {
    method: 'getSettings',
    request: noRequest,
    response: settingsReportSchema,
  },
  'settings:set-user': {
    method: 'setUserSetting',
    request: setUserSettingRequestSchema,
    response: settingsReportSchema,
  },
  /** Diagnostics (support staff, before login too): the doctor's checks on fresh card and backend state. */
  'diagnostics:run': {
    method: 'runDiagnostics',
    request: noRequest,
    response: diagnosticsRunSchema,
  },
  /** "Provsignera med PIN": the PIN goes on to the card process only; the signature is verified locally. */
  'diagnostics:test-signature': {
    method: 'testSignature',
    request: z.object({ pin: pinSchema }).strict(),
    response: testSignatureResultSchema,
  },
  'diagnostics:report': {
    method: 'getSupportReport',
    request: noRequest,
    response: supportReportFilesSchema,
  },
  'diagnostics:save-report': {
    method: 'saveSupportReport',
    request: noRequest,
    response: z.object({ saved: z.boolean(), path: z.string().nullable() }),
  },
  'diagnostics:open-log-folder': {
    method: 'openLogFolder',
    request: noRequest,
    response: z.object({ opened: z.boolean(), path: z.string().nullable() }),
  },
} as const;

/** Events pushed from main to the renderer (card events join here). */
export const IPC_EVENTS = {
  'app:notice': noticeEventSchema,
  /** The card layer's state, pushed on every change (reader, card, token, process). */
  'card:snapshot': cardSnapshotSchema,
  /** Login, logout, expiry, card removal. */
  'session:state': sessionStateSchema,
} as const;

/** The single Electron channel that carries every event, tagged with its name. */
export const EVENT_CHANNEL = 'app:event';

export type IpcChannel = keyof typeof IPC_CHANNELS;
export type IpcRequest<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]['response']>;
export type IpcEventName = keyof typeof IPC_EVENTS;
export type IpcEventPayload<E extends IpcEventName> = z.infer<(typeof IPC_EVENTS)[E]>;
export type IpcEventMessage = { [E in IpcEventName]: { name: E; payload: IpcEventPayload<E> } }[IpcEventName];

export function isIpcChannel(value: string): value is IpcChannel {
  return Object.prototype.hasOwnProperty.call(IPC_CHANNELS, value);
}
