import { parseArgs } from 'node:util';
import {
  ORGANISATION_KINDS,
  OPERATOR_MESSAGE_SEVERITIES,
  type OperatorMessageSeverity,
  type OrganisationKind,
} from '../common/api/index';
import { systemClock } from './core/clock';
import { DEFAULT_DB } from './config';
import { AgencyError, AgencyService } from './services/agency-service';
import { roleName } from './services/role-rules';
import { openStorage } from './storage/open-storage';

const USAGE = `Usage: npm run agency -- [--db FILE|postgres://USER@HOST:PORT/DB] COMMAND [options]
                                      (env BA_DB; default ${DEFAULT_DB})

The agency's side, which no administrator can do from the client.

  org add --id ID --name NAME --kind kommun|region --agreements E1,E2
  org agreements --id ID --agreements E1,E2      replace an organisation's agreements
  org list
  org end --id ID                                 the organisation (arbetsgivarkod) has ended: readable, nothing new granted
  org reopen --id ID
  admin add --org ID --hsa-id HSA --given-name NAME --surname NAME --email ADDR
  admin remove --hsa-id HSA [--org ID]            refused for an organisation's last administrator
  orderer add --org ID --hsa-id HSA --given-name NAME --surname NAME --email ADDR
                                                  register the authorised orderer (behörig beställare), who
                                                  appoints and removes administrators in the program
  orderer remove --hsa-id HSA [--org ID]          refused for an organisation's last authorised orderer
  (A person holds one role per organisation and may hold roles in several: name --org when removing.)
  user login --hsa-id HSA [--at ISO-TIME]         record a login to the e-services
  message set --severity info|warning|disturbance --text TEXT
  message clear

E-services: statlig-ersattning, ensamkommande (kommun); landsting (region).`;

function required(values: Record<string, string | boolean | string[] | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new AgencyError(`--${name} is required`);
  return v;
}

function list(values: Record<string, string | boolean | string[] | undefined>, name: string): string[] {
  const v = values[name];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Runs one agency command; returns the process exit code. Exported for tests. */
export async function runAgencyCommand(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      db: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      kind: { type: 'string' },
      agreements: { type: 'string', multiple: true },
      org: { type: 'string' },
      'hsa-id': { type: 'string' },
      'given-name': { type: 'string' },
      surname: { type: 'string' },
      email: { type: 'string' },
      at: { type: 'string' },
      severity: { type: 'string' },
      text: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [group, action] = positionals;
  if (values.help || !group) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const storage = await openStorage(values.db ?? process.env.BA_DB ?? DEFAULT_DB);
  const agency = new AgencyService(storage, systemClock);
  try {
    switch (`${group} ${action ?? ''}`) {
      case 'org add': {
        const kind = required(values, 'kind');
        if (!(ORGANISATION_KINDS as readonly string[]).includes(kind)) throw new AgencyError('--kind must be kommun or region');
        const org = await agency.addOrganisation({
          id: required(values, 'id'),
          name: required(values, 'name'),
          kind: kind as OrganisationKind,
          agreements: list(values, 'agreements'),
        });
        out(`Added ${org.kind} ${org.id} "${org.name}" with agreements: ${org.agreements.join(', ') || '(none)'}`);
        return 0;
      }
      case 'org agreements':
        await agency.setAgreements(required(values, 'id'), list(values, 'agreements'));
        out(`Agreements of ${values.id} set to: ${list(values, 'agreements').join(', ') || '(none)'}`);
        return 0;
      case 'org list':
        for (const o of await agency.listOrganisations()) {
          out(
            `${o.id}\t${o.kind}\t${o.name}\tagreements: ${o.agreements.join(', ') || '-'}${o.endedAt ? `\tended ${o.endedAt}` : ''}`,
          );
          for (const a of o.administrators) {
            out(`  ${a.role === 'authorised-orderer' ? 'orderer' : 'admin'} ${a.hsaId}\t${a.givenName} ${a.surname}\t${a.email}`);
          }
        }
        return 0;
      case 'org end':
      case 'org reopen':
        await agency.setOrganisationEnded(required(values, 'id'), action === 'end');
        out(action === 'end' ? `Organisation ${values.id} has ended` : `Organisation ${values.id} is active again`);
        return 0;
      case 'admin add':
      case 'orderer add': {
        const admin = await agency.addAdministrator({
          organisationId: required(values, 'org'),
          hsaId: required(values, 'hsa-id'),
          givenName: required(values, 'given-name'),
          surname: required(values, 'surname'),
          email: required(values, 'email'),
          role: group === 'orderer' ? 'authorised-orderer' : 'administrator',
        });
        out(
          `Registered ${roleName(admin.role)} ${admin.hsaId} (${admin.givenName} ${admin.surname}) for ${admin.organisationId}`,
        );
        return 0;
      }
      case 'admin remove':
      case 'orderer remove': {
        const removed = await agency.removeAdministrator(
          required(values, 'hsa-id'),
          values.org,
          group === 'orderer' ? 'authorised-orderer' : 'administrator',
        );
        out(`Removed ${roleName(removed.role)} ${removed.hsaId} from ${removed.organisationId}`);
        return 0;
      }
      case 'user login': {
        const at = values.at ? new Date(values.at) : undefined;
        if (at && Number.isNaN(at.getTime())) throw new AgencyError('--at must be an ISO date-time');
        const n = await agency.recordUserLogin(required(values, 'hsa-id'), at);
        out(`Recorded a login for ${n} user record(s)`);
        return n > 0 ? 0 : 1;
      }
      case 'message set': {
        const severity = required(values, 'severity');
        if (!(OPERATOR_MESSAGE_SEVERITIES as readonly string[]).includes(severity)) {
          throw new AgencyError(`--severity must be one of ${OPERATOR_MESSAGE_SEVERITIES.join(', ')}`);
        }
        await agency.setOperatorMessage({ severity: severity as OperatorMessageSeverity, text: required(values, 'text') });
        out('Operator message set');
        return 0;
      }
      case 'message clear':
        await agency.setOperatorMessage(null);
        out('Operator message cleared');
        return 0;
      default:
        out(USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof AgencyError) {
      out(`Refused: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await storage.close();
  }
}

// Only when run as the command, not when a test imports runAgencyCommand.
if (process.argv[1] && /agency-cli\.[cm]?[jt]s$/.test(process.argv[1])) {
  runAgencyCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof TypeError ? e.message : e);
      process.exit(2);
    },
  );
}
