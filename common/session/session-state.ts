import { z } from 'zod';
import { administratorSchema, organisationChoiceSchema } from '../api/schemas';

/** Why the administrator is not (or no longer) logged in. */
export const logoutReasonSchema = z.enum(['logout', 'card-removed', 'expired']);
export type LogoutReason = z.infer<typeof logoutReasonSchema>;

/** What to do when the card is pulled while logged in (policy). */
export const cardRemovalPolicySchema = z.enum(['logout', 'lock']);
export type CardRemovalPolicy = z.infer<typeof cardRemovalPolicySchema>;

/** The session as the renderer sees it: never the token itself. */
export const sessionStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('logged-out'), reason: logoutReasonSchema.nullable() }),
  z.object({
    status: z.literal('logged-in'),
    /** Who is logged in, in the organisation the session works in. */
    administrator: administratorSchema,
    expiresAt: z.string(),
    /** Every organisation the person holds a role in (several "arbetsgivarkoder"). */
    organisations: z.array(organisationChoiceSchema).default([]),
    /**
     * False right after a login with several organisations: the administrator chooses one first
     * (the one used last preselected).
     */
    organisationChosen: z.boolean().default(true),
  }),
  z.object({ status: z.literal('locked'), administrator: administratorSchema }),
  /**
   * The backend ended the session (idle or absolute timeout) while the administrator was working:
   * the window keeps what was on screen, unsaved input included, and asks for the card and PIN again.
   */
  z.object({ status: z.literal('expired'), administrator: administratorSchema }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

/** PIN as typed in the dialog; its length against the token's limits is checked in the card layer. */
export const pinSchema = z.string().min(1).max(64);
