import { findEService } from '../../common/api/index';

/** The e-mail a user gets when their permissions for one e-service change (source 004). */
export function permissionChangeMessage(input: {
  user: { givenName: string };
  organisationName: string;
  eserviceId: string;
  before: readonly string[];
  after: readonly string[];
}): { subject: string; body: string } {
  const eservice = findEService(input.eserviceId);
  const name = (id: string) => eservice?.permissions.find((p) => p.id === id)?.name ?? id;
  const added = input.after.filter((p) => !input.before.includes(p)).map(name);
  const removed = input.before.filter((p) => !input.after.includes(p)).map(name);
  const lines = [
    `Hej ${input.user.givenName}!`,
    '',
    `Din administratör i ${input.organisationName} har ändrat dina behörigheter i e-tjänsten ”${eservice?.name ?? input.eserviceId}”.`,
    '',
    ...(added.length > 0 ? [`Tillagda behörigheter: ${added.join(', ')}`] : []),
    ...(removed.length > 0 ? [`Borttagna behörigheter: ${removed.join(', ')}`] : []),
    `Dina behörigheter nu: ${input.after.length > 0 ? input.after.map(name).join(', ') : 'inga'}`,
    '',
    'Har du frågor, kontakta administratören i din organisation. Det här meddelandet går inte att svara på.',
  ];
  return { subject: 'Dina behörigheter har ändrats', body: lines.join('\n') };
}
