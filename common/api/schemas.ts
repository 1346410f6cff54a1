import { z } from 'zod';
import { ESERVICE_IDS, ORGANISATION_KINDS } from './catalogue';
import { SORT_DIRECTIONS, USER_SORT_COLUMNS } from './user-list';

/**
 * Schemas of the reference backend's API (/api/v1), shared with the client: the "Lägg till
 * användare" form validates with the very same schemas the server enforces, so their messages are
 * Swedish. Messages not given here come from `parseWithSwedishMessages` (zod's Swedish locale).
 */

// ---------------------------------------------------------------- primitives

/** SITHS HSA-id: SE + 10-digit organisation number + '-' + 1..31 alphanumerics; stored upper-case. */
export const HSA_ID_PATTERN = /^[Ss][Ee][0-9]{10}-[A-Za-z0-9]{1,31}$/;

export const hsaIdSchema = z
  .string({ error: 'HSA-id måste anges' })
  .trim()
  .min(1, 'HSA-id måste anges')
  .regex(HSA_ID_PATTERN, 'HSA-id har fel format (till exempel SE2321000016-A1B2)')
  .toUpperCase()
  .describe('HSA-id, e.g. SE2321000016-A1B2 (case-insensitive on input, upper-case on output)');

function nameSchema(missing: string, tooLong: string) {
  return (
    z
      .string({ error: missing })
      .trim()
      .min(1, missing)
      .max(100, tooLong)
      // Control and format characters (right-to-left override, zero-width space, soft hyphen, BOM)
      // make a name look like another or hide part of it.
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'Namnet innehåller otillåtna tecken')
  );
}

export const givenNameSchema = nameSchema('Förnamn måste anges', 'Förnamnet får vara högst 100 tecken');
export const surnameSchema = nameSchema('Efternamn måste anges', 'Efternamnet får vara högst 100 tecken');

/** A domain label as RFC 5321 (and 1035) allows it: 1–63 letters, digits, hyphens; no hyphen at either end. */
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The RFC 5321 limits zod's e-mail pattern does not check: local part ≤ 64, domain ≤ 253, labels. */
function emailLimits(address: string, ctx: z.RefinementCtx): void {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, Math.max(at, 0));
  const domain = address.slice(at + 1);
  // No @, or nothing before or after it: not an address at all, which the pattern below says.
  if (at < 0 || local === '' || domain === '') return;
  if (local.length > 64) ctx.addIssue({ code: 'custom', message: 'Delen före @ får vara högst 64 tecken' });
  else if (domain.length > 253) ctx.addIssue({ code: 'custom', message: 'Domänen får vara högst 253 tecken' });
  else if (domain.split('.').some((label) => !DOMAIN_LABEL.test(label))) {
    ctx.addIssue({
      code: 'custom',
      message: 'Domänen har fel format: varje del högst 63 tecken, och inte bindestreck först eller sist',
    });
  }
}

export const emailSchema = z
  .string({ error: 'E-postadress måste anges' })
  .trim()
  .min(1, 'E-postadress måste anges')
  .max(254, 'E-postadressen är för lång')
  .superRefine(emailLimits)
  .pipe(z.email({ error: 'Ogiltig e-postadress' }));

export const organisationIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Organisations-id: gemener, siffror och bindestreck');

export const organisationKindSchema = z.enum(ORGANISATION_KINDS);
export const eserviceIdSchema = z.enum(ESERVICE_IDS);
const isoDateTime = z.iso.datetime();
/** A calendar date, YYYY-MM-DD. */
export const isoDateSchema = z.iso.date({ error: 'Datumet ska skrivas ÅÅÅÅ-MM-DD' });

// ---------------------------------------------------------------- auth

/** Algorithms a login signature may use (the JWS names Web eID uses). */
export const SIGNATURE_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export const challengeResponseSchema = z.object({
  /** 32 random bytes, base64. Single use; sign SHA-256(origin) ‖ SHA-256(nonce as UTF-8). */
  nonce: z.string(),
  expiresAt: isoDateTime,
});
export type ChallengeResponse = z.infer<typeof challengeResponseSchema>;

const base64Field = (missing: string, max: number, tooLong: string) =>
  z
    .string({ error: missing })
    .min(1, missing)
    .max(max, tooLong)
    .pipe(z.base64({ error: 'Ogiltig base64-kodning' }));

export const loginRequestSchema = z
  .object({
    /** Base64 DER of the card's authentication certificate. */
    certificate: base64Field('Certifikat måste anges', 16_384, 'Certifikatet är för stort'),
    /**
     * Base64 signature over SHA-256(origin) ‖ SHA-256(nonce). RS256/PS256: the RSA signature;
     * ES256/ES384: raw r ‖ s (IEEE P1363, 64 or 96 bytes), as Web eID and PKCS#11 CKM_ECDSA give it.
     */
    signature: base64Field('Signatur måste anges', 1_024, 'Signaturen är för stor'),
    /** One of SIGNATURE_ALGORITHMS; any other name is answered 401 algorithm-unsupported. */
    algorithm: z.string({ error: 'Algoritm måste anges' }).min(1, 'Algoritm måste anges').max(16, 'Okänd algoritm'),
    nonce: z.string({ error: 'Nonce måste anges' }).min(1, 'Nonce måste anges').max(128, 'Nonce är för lång'),
    origin: z.string({ error: 'Origin måste anges' }).min(1, 'Origin måste anges').max(2048, 'Origin är för lång'),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const organisationRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: organisationKindSchema,
});

/**
 * A person's role in an organisation (source 004), one per person and organisation: the authorised
 * orderer (behörig beställare, registered by the agency) appoints and removes administrators; an
 * administrator administers users and permissions; both see every user's permissions. Users are
 * the third role (the user list).
 */
export const ADMINISTRATOR_ROLES = ['administrator', 'authorised-orderer'] as const;
export type AdministratorRole = (typeof ADMINISTRATOR_ROLES)[number];
export const administratorRoleSchema = z.enum(ADMINISTRATOR_ROLES);

export const administratorSchema = z.object({
  hsaId: z.string(),
  givenName: z.string(),
  surname: z.string(),
  organisation: organisationRefSchema,
  /** The role in `organisation` (older servers: administrator). */
  role: administratorRoleSchema.default('administrator'),
});

/** One organisation (arbetsgivarkod) the person holds a role in; an ended one is readable only. */
export const organisationChoiceSchema = organisationRefSchema.extend({
  role: administratorRoleSchema,
  /** The organisation has ended: its users can be read, nothing new can be granted. */
  ended: z.boolean(),
});
export type OrganisationChoice = z.infer<typeof organisationChoiceSchema>;

export const loginResponseSchema = z.object({
  /** Opaque session token; send as `Authorization: Bearer <token>`. */
  token: z.string(),
  /** When the session ends at the latest (absolute timeout); it also ends after idleTimeoutSeconds idle. */
  expiresAt: isoDateTime,
  idleTimeoutSeconds: z.number().int(),
  /** Who logged in, in the organisation the session works in (the one used last). */
  administrator: administratorSchema,
  /** Every organisation the person holds a role in (several "arbetsgivarkoder"), by id. */
  organisations: z.array(organisationChoiceSchema).default([]),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** Body of POST /auth/organisation: the organisation the session works in from now on. */
export const organisationSwitchSchema = z.object({ organisationId: z.string().min(1).max(64) }).strict();

/** Answer of POST /auth/organisation: the person in the chosen organisation. */
export const organisationSwitchResponseSchema = z.object({
  administrator: administratorSchema,
  organisations: z.array(organisationChoiceSchema),
});
export type OrganisationSwitchResponse = z.infer<typeof organisationSwitchResponseSchema>;

/** One of the organisation's authorised orderers and administrators ("Administratörer"). */
export const administratorEntrySchema = z.object({
  hsaId: z.string(),
  givenName: z.string(),
  surname: z.string(),
  email: z.string(),
  role: administratorRoleSchema,
  lastLoginAt: isoDateTime.nullable(),
});
export type AdministratorEntry = z.infer<typeof administratorEntrySchema>;
export const administratorListSchema = z.object({ administrators: z.array(administratorEntrySchema) });
export type AdministratorList = z.infer<typeof administratorListSchema>;
export const administratorParamsSchema = z.object({ hsaId: hsaIdSchema }).strict();

// ---------------------------------------------------------------- organisation

export const permissionSchema = z.object({ id: z.string(), name: z.string() });

export const eserviceSchema = z.object({
  id: eserviceIdSchema,
  name: z.string(),
  permissions: z.array(permissionSchema),
});

export const organisationSchema = organisationRefSchema.extend({
  /** Only the e-services the organisation has agreements for, each with its permissions. */
  eservices: z.array(eserviceSchema),
  /** The organisation has ended: readable, nothing new can be granted. */
  ended: z.boolean().default(false),
});
export type Organisation = z.infer<typeof organisationSchema>;

// ---------------------------------------------------------------- users

/** Body of POST /users, and the "Lägg till användare" form: all four fields mandatory. */
export const newUserSchema = z
  .object({
    givenName: givenNameSchema,
    surname: surnameSchema,
    hsaId: hsaIdSchema,
    email: emailSchema,
  })
  .strict();
export type NewUser = z.infer<typeof newUserSchema>;

/** Body of PATCH /users/{id} ("Ändra användare"): any of the four fields, at least one. */
export const userPatchSchema = newUserSchema
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'Ange minst ett fält att ändra' });
export type UserPatch = z.infer<typeof userPatchSchema>;

/** Body of PUT /users/{id}/permissions/{eserviceId}: the full set of permissions for that e-service. */
export const permissionsPutSchema = z
  .object({
    permissions: z
      .array(z.string().min(1).max(64), { error: 'Behörigheter måste anges som en lista' })
      .max(50, 'För många behörigheter'),
    /**
     * End dates (source 003): permission id → the date (YYYY-MM-DD, Swedish time) it ends on, for
     * permissions in `permissions` that are time-limited. A permission not named has no end date
     * (the set replaces the stored one, end dates included). Each date must be after today.
     */
    endDates: z.record(z.string().min(1).max(64), isoDateSchema).optional(),
  })
  .strict();

export const userSchema = z.object({
  id: z.string(),
  /** The user's organisation: set in the list of all the person's organisations (scope=all). */
  organisationId: z.string().optional(),
  givenName: z.string(),
  surname: z.string(),
  hsaId: z.string(),
  email: z.string(),
  /** e-service id → permission ids; only e-services the organisation has agreements for. */
  permissions: z.record(z.string(), z.array(z.string())),
  /** e-service id → permission id → end date (YYYY-MM-DD): only the time-limited permissions. */
  endDates: z.record(z.string(), z.record(z.string(), isoDateSchema)).default({}),
  /** Last login to the e-services, or null if never. */
  lastLoginAt: isoDateTime.nullable(),
  /** No login for INACTIVE_AFTER_MONTHS months (or never, and created longer ago than that). */
  inactive: z.boolean(),
  /** Optimistic-concurrency version; also sent as the ETag. Send it back in If-Match. */
  version: z.number().int(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type User = z.infer<typeof userSchema>;

/**
 * The list's filter on time-limited permissions (source 003): `soon` keeps the users holding a
 * permission (of the chosen e-service and permission, if any) that ends within ENDING_SOON_DAYS
 * days, not yet ended, in Swedish time.
 */
export const USER_ENDING_FILTERS = ['soon'] as const;
export const endingFilterSchema = z.enum(USER_ENDING_FILTERS, { error: 'Okänt slutdatumfilter' }).optional();

/** Most users one page may hold. */
export const USER_PAGE_MAX = 1000;
export const USER_PAGE_DEFAULT = 100;

/** What the user list and its CSV export share: the search, the filters, the order and the organisations. */
const userQueryFields = {
  sort: z.enum(USER_SORT_COLUMNS, { error: 'Okänd sorteringskolumn' }).default('surname'),
  direction: z.enum(SORT_DIRECTIONS, { error: 'Sorteringsordningen ska vara asc eller desc' }).default('asc'),
  /** "Sök": every word must occur in some column (names, HSA-id, e-mail, permissions, last login). */
  search: z.string().max(200, 'Söktexten får vara högst 200 tecken').default(''),
  /** "Filtrera e-tjänster": users with any permission in this e-service. */
  eservice: eserviceIdSchema.optional(),
  /** "Filtrera behörigheter": users with this permission of the chosen e-service. */
  permission: z.string().min(1).max(64).optional(),
  ending: endingFilterSchema,
  /**
   * Several organisations (source 004): `all` lists the users of every organisation the person
   * holds a role in (ended ones included, readable only), each with its `organisationId`.
   */
  scope: z.enum(['organisation', 'all'], { error: 'Okänt urval av organisationer' }).optional(),
  /** With scope=all: only this one of the person's organisations (the organisation filter). */
  organisation: organisationIdSchema.optional(),
};

/** The rules between the fields: a permission needs its e-service, the organisation filter the list of all. */
function withUserQueryRules<
  Schema extends z.ZodType<{ permission?: string; eservice?: string; scope?: string; organisation?: string }>,
>(schema: Schema): Schema {
  return schema
    .refine((q) => q.permission === undefined || q.eservice !== undefined, {
      message: 'Välj e-tjänst innan behörighet',
      path: ['permission'],
    })
    .refine((q) => q.organisation === undefined || q.scope === 'all', {
      message: 'Organisationsfiltret gäller bara listan över alla organisationer',
      path: ['organisation'],
    });
}

/**
 * Query of GET /users: one page of the users that pass the search and the filters, in the chosen
 * order. Without a cursor it is the first page (and carries the counts); `nextCursor` of a page
 * gives the next one, for the same sort, direction, search and filters only.
 */
export const userListQuerySchema = withUserQueryRules(
  z
    .object({
      limit: z.coerce
        .number({ error: 'Sidstorleken ska vara ett tal' })
        .int('Sidstorleken ska vara ett heltal')
        .min(1, 'Sidstorleken ska vara minst 1')
        .max(USER_PAGE_MAX, `Sidstorleken får vara högst ${USER_PAGE_MAX}`)
        .default(USER_PAGE_DEFAULT),
      /** Opaque: the `nextCursor` of the previous page. */
      cursor: z.string().min(1).max(1024, 'Ogiltig sidmarkör').optional(),
      ...userQueryFields,
    })
    .strict(),
);
export type UserListQuery = z.input<typeof userListQuerySchema>;

export const userPageSchema = z.object({
  users: z.array(userSchema),
  /** The next page's cursor, or null on the last page. */
  nextCursor: z.string().nullable(),
  /** On the first page (no cursor): how many users pass the search and filters; null on later pages. */
  matched: z.number().int().nullable(),
  /** Set (true) when more users than `matched` pass: the server counts matches only up to a cap. */
  matchedAtLeast: z.literal(true).optional(),
  /** On the first page: all users of the organisation; null on later pages. */
  total: z.number().int().nullable(),
});
export type UserPage = z.infer<typeof userPageSchema>;

/**
 * Query of GET /users/export.csv: the same search, filters and organisations as the list, in the
 * chosen order, without paging.
 */
export const userExportQuerySchema = withUserQueryRules(z.object(userQueryFields).strict());

export const userIdParamsSchema = z.object({ id: z.string().min(1).max(100) }).strict();
export const userPermissionParamsSchema = z
  .object({ id: z.string().min(1).max(100), eserviceId: z.string().min(1).max(64) })
  .strict();

// ---------------------------------------------------------------- audit

export const AUDIT_ACTIONS = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.permissions-changed',
  // A time-limited permission reached its end date (actor "system"; one entry per permission).
  'user.permission-ended',
  'administrator.added',
  'administrator.removed',
  // A login let through with no revocation answer (server setting --revocation soft-fail).
  'administrator.login-revocation-unchecked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: isoDateTime,
  /**
   * HSA-id of the administrator, "agency" for changes made with the agency command, "system" for
   * permissions that reached their end date.
   */
  actor: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  targetType: z.enum(['user', 'administrator']),
  targetId: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    /** Entries with an id below this (paging backwards from the newest). */
    before: z.coerce.number().int().min(1).optional(),
    userId: z.string().min(1).max(100).optional(),
  })
  .strict();

export const auditListSchema = z.object({ entries: z.array(auditEntrySchema) });

// ---------------------------------------------------------------- status

export const OPERATOR_MESSAGE_SEVERITIES = ['info', 'warning', 'disturbance'] as const;
export type OperatorMessageSeverity = (typeof OPERATOR_MESSAGE_SEVERITIES)[number];

/** What GET /status says about the database. */
export const DATABASE_STATES = ['ok', 'read-only', 'disk-full', 'unreachable', 'fault'] as const;

export const statusSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  /** Server time, so the client can spot a skewed clock. */
  time: isoDateTime,
  version: z.string(),
  /** Operator message about a disturbance, or null. */
  message: z.object({ severity: z.enum(OPERATOR_MESSAGE_SEVERITIES), text: z.string(), since: isoDateTime }).nullable(),
  /** The database as this instance sees it: `ok` (it can write), or why changes cannot be saved. */
  database: z.enum(DATABASE_STATES).optional(),
});
export type Status = z.infer<typeof statusSchema>;
