import { eservicesForKind } from '../../common/api/index';
import type { Clock } from '../core/clock';
import { AgencyService } from '../services/agency-service';
import type { Storage } from '../storage/storage';
import { generateUsers, insertUsers, seededRandom } from './demo-data';

export const DEMO_KOMMUN_ID = 'kommun-testkommunen';
export const DEMO_REGION_ID = 'region-testland';

/**
 * The demo organisations' authorised orderers and administrators: each organisation has an
 * authorised orderer (behörig beställare, source 004) and at least one administrator. The card
 * lab's person (LAB_PERSON, Alva) is the demo kommun's administrator.
 */
export const DEMO_ADMINISTRATORS = [
  {
    organisationId: DEMO_KOMMUN_ID,
    hsaId: 'SE2321000016-O1B1',
    givenName: 'Olle',
    surname: 'Beställarsson',
    email: 'olle.bestallarsson@testkommunen.se',
    role: 'authorised-orderer',
  },
  {
    organisationId: DEMO_REGION_ID,
    hsaId: 'SE2321000131-O2B2',
    givenName: 'Rakel',
    surname: 'Beställare',
    email: 'rakel.bestallare@regiontestland.se',
    role: 'authorised-orderer',
  },
  {
    organisationId: DEMO_KOMMUN_ID,
    hsaId: 'SE2321000016-A1B2',
    givenName: 'Alva',
    surname: 'Testsson',
    email: 'alva.testsson@testkommunen.se',
    role: 'administrator',
  },
  {
    organisationId: DEMO_KOMMUN_ID,
    hsaId: 'SE2321000016-B2C3',
    givenName: 'Bo',
    surname: 'Testsson',
    email: 'bo.testsson@testkommunen.se',
    role: 'administrator',
  },
  {
    organisationId: DEMO_REGION_ID,
    hsaId: 'SE2321000131-R1A1',
    givenName: 'Rut',
    surname: 'Regionsson',
    email: 'rut.regionsson@regiontestland.se',
    role: 'administrator',
  },
] as const;

/**
 * Loads the demo kommun ("Testkommunen", both municipal e-services) and region ("Region
 * Testland"), their authorised orderers and administrators and a few hundred users. Does nothing if already loaded.
 */
export async function seedDemo(storage: Storage, clock: Clock): Promise<{ created: boolean; users: number }> {
  if (await storage.getOrganisation(DEMO_KOMMUN_ID)) return { created: false, users: 0 };
  const agency = new AgencyService(storage, clock);
  const kommunServices = eservicesForKind('kommun');
  const regionServices = eservicesForKind('region');
  await agency.addOrganisation({
    id: DEMO_KOMMUN_ID,
    name: 'Testkommunen',
    kind: 'kommun',
    agreements: kommunServices.map((e) => e.id),
  });
  await agency.addOrganisation({
    id: DEMO_REGION_ID,
    name: 'Region Testland',
    kind: 'region',
    agreements: regionServices.map((e) => e.id),
  });
  for (const admin of DEMO_ADMINISTRATORS) await agency.addAdministrator(admin);

  const random = seededRandom(20200128);
  const now = clock.now();
  const reserved = new Set<string>(DEMO_ADMINISTRATORS.map((a) => a.hsaId));
  const kommunUsers = generateUsers({
    organisationId: DEMO_KOMMUN_ID,
    hsaPrefix: 'SE2321000016',
    mailDomain: 'testkommunen.se',
    count: 300,
    eservices: kommunServices,
    now,
    random,
    reserved,
  });
  const regionUsers = generateUsers({
    organisationId: DEMO_REGION_ID,
    hsaPrefix: 'SE2321000131',
    mailDomain: 'regiontestland.se',
    count: 120,
    eservices: regionServices,
    now,
    random,
    reserved,
  });
  await storage.transaction((tx) => insertUsers(tx, [...kommunUsers, ...regionUsers]));
  return { created: true, users: kommunUsers.length + regionUsers.length };
}
