import { findEService } from '../../common/api/index';

/** The e-mail a user gets when their permissions for one e-service change (source 004). */
export function permissionChangeMessage(input: {
  user: { givenName: string };
  organisationName: string;
  eserviceId: string;
  before: readonly string[];
  after: readonly string[];
  /** End dates (permission id → YYYY-MM-DD) of the permissions after the change. */
  endDates?: Readonly<Record<string, string>>;
}): { subject: string; body: string } {
  const eservice = findEService(input.eserviceId);
  const name = (id: string) => eservice?.permissions.find((p) => p.id === id)?.name ?? id;
  const withEnd = (id: string) => (input.endDates?.[id] ? `${name(id)} (upphör ${input.endDates[id]})` : name(id));
  const added = input.after.filter((p) => !input.before.includes(p)).map(name);
  const removed = input.before.filter((p) => !input.after.includes(p)).map(name);
  const lines = [
    `Hej ${input.user.givenName}!`,
    '',
    `Din administratör i ${input.organisationName} har ändrat dina behörigheter i e-tjänsten ”${eservice?.name ?? input.eserviceId}”.`,
    '',
    ...(added.length > 0 ? [`Tillagda behörigheter: ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`Borttagna behörigheter: ${removed.join(', ')}`] : []),
    `Dina behörigheter nu: ${input.after.length > 0 ? input.after.map(withEnd).join(', ') : 'inga'}`,
    '',
    'Har du frågor, kontakta administratören i din organisation. Det här meddelandet går inte att svara på.',
  ];
  return { subject: 'Dina behörigheter har ändrats', body: lines.join('\n') };
}

/** The e-mail a user gets when a time-limited permission reached its end date (one per permission). */
export function permissionEndedMessage(input: {
  user: { givenName: string };
  organisationName: string;
  eserviceId: string;
  permissionId: string;
  endsOn: string;
  /** The user's permissions in the e-service now. */
  remaining: readonly string[];
}): { subject: string; body: string } {
  const eservice = findEService(input.eserviceId);
  const name = (id: string) => eservice?.permissions.find((p) => p.id === id)?.name ?? id;
  const lines = [
    `Hej ${input.user.givenName}!`,
    '',
    `Din behörighet ”${name(input.permissionId)}” i e-tjänsten ”${eservice?.name ?? input.eserviceId}” hos ${input.organisationName} upphörde ${input.endsOn}, det slutdatum din administratör satte.`,
    '',
    `Dina behörigheter nu: ${input.remaining.length > 0 ? input.remaining.map(name).join(', ') : 'inga'}`,
    '',
    'Behöver du behörigheten igen, kontakta administratören i din organisation. Det här meddelandet går inte att svara på.',
  ];
  return { subject: 'En behörighet har upphört', body: lines.join('\n') };
}
