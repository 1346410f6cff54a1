import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them; the same for SQLite and PostgreSQL. */
export interface Database {
  organisations: {
    id: string;
    name: string;
    kind: string;
    created_at: string;
    /** When the organisation (arbetsgivarkod) ended (migration 0008): readable, nothing new granted. */
    ended_at: string | null;
  };
  agreements: { organisation_id: string; eservice_id: string };
  /** A person's role in one organisation (migration 0007: key hsa_id + organisation_id). */
  administrators: {
    hsa_id: string;
    organisation_id: string;
    role: string;
    given_name: string;
    surname: string;
    email: string;
    created_at: string;
    last_login_at: string | null;
  };
  users: {
    id: string;
    organisation_id: string;
    hsa_id: string;
    given_name: string;
    surname: string;
    email: string;
    version: number;
    created_at: string;
    updated_at: string;
    last_login_at: string | null;
    // Sort keys and search text (migration 0003), kept by every write of the user.
    sort_given_name: string;
    sort_surname: string;
    sort_email: string;
    sort_permissions: string;
    sort_last_login: string;
    search_text: string;
  };
  user_permissions: {
    user_id: string;
    eservice_id: string;
    permission_id: string;
    /** The date the permission ends on (migration 0005), YYYY-MM-DD; null: no end date. */
    ends_on: string | null;
  };
  audit_log: {
    id: Generated<number>;
    organisation_id: string;
    actor: string;
    action: string;
    target_type: string;
    target_id: string;
    before_json: string | null;
    after_json: string | null;
    occurred_at: string;
  };
  outbox: {
    id: Generated<number>;
    organisation_id: string;
    recipient: string;
    subject: string;
    body: string;
    created_at: string;
    sent_at: string | null;
    attempts: number;
    last_error: string | null;
    /** Set while one dispatcher holds the message (until claimed_until); null otherwise. */
    claim_token: string | null;
    claimed_until: string | null;
    /** Not before this time (back-off after a failure); null: at once. */
    next_attempt_at: string | null;
  };
  list_stamps: { organisation_id: string; stamp: number };
  /** Users per organisation, kept by triggers on users (migration 0008). */
  organisation_user_counts: { organisation_id: string; users: number };
  write_probes: { instance_id: string; written_at: string };
  challenges: { nonce: string; created_at: string; expires_at: string; used_at: string | null };
  sessions: {
    token_hash: string;
    administrator_hsa_id: string;
    organisation_id: string;
    created_at: string;
    last_seen_at: string;
    idle_expires_at: string;
    absolute_expires_at: string;
  };
  operator_messages: { id: number; severity: string; text: string; since: string };
}
