/**
 * The agency's catalogue of e-services and their permissions. Municipalities (kommun) and regions
 * differ only in which e-services they can sign agreements (avtal) for. Shared by the reference
 * backend (which enforces it) and the client (which labels it).
 */

export const ORGANISATION_KINDS = ['kommun', 'region'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface PermissionDefinition {
  readonly id: string;
  readonly name: string;
}

export interface EServiceDefinition {
  readonly id: string;
  readonly name: string;
  readonly kind: OrganisationKind;
  readonly permissions: readonly PermissionDefinition[];
}

export const ESERVICES = [
  {
    id: 'statlig-ersattning',
    name: 'Ansök om statlig ersättning',
    kind: 'kommun',
    permissions: [
      { id: 'las-arenden', name: 'Läsa ärenden' },
      { id: 'registrera-ansokan', name: 'Registrera ansökan' },
      { id: 'attestera', name: 'Attestera ansökan' },
      { id: 'se-utbetalningar', name: 'Se beslut och utbetalningar' },
    ],
  },
  {
    id: 'ensamkommande',
    name: 'Se och ändra ansvar för ensamkommande',
    kind: 'kommun',
    permissions: [
      { id: 'se-ansvar', name: 'Se ansvar' },
      { id: 'andra-ansvar', name: 'Ändra ansvar' },
      { id: 'se-personuppgifter', name: 'Se personuppgifter' },
    ],
  },
  {
    id: 'landsting',
    name: 'E-tjänst för landsting',
    kind: 'region',
    permissions: [
      { id: 'las-arenden', name: 'Läsa ärenden' },
      { id: 'registrera-ansokan', name: 'Registrera ansökan om ersättning' },
      { id: 'attestera', name: 'Attestera' },
      { id: 'administrera', name: 'Administrera ärendeflöden' },
    ],
  },
] as const satisfies readonly EServiceDefinition[];

export type EServiceId = (typeof ESERVICES)[number]['id'];
export const ESERVICE_IDS = ESERVICES.map((e) => e.id) as [EServiceId, ...EServiceId[]];

/** The e-service with this id, or undefined for an id the catalogue does not know. */
export function findEService(id: string): EServiceDefinition | undefined {
  return ESERVICES.find((e) => e.id === id);
}

/** The e-services an organisation of this kind can sign agreements for. */
export function eservicesForKind(kind: OrganisationKind): EServiceDefinition[] {
  return ESERVICES.filter((e) => e.kind === kind);
}

/** Users who have not logged in for this long are flagged as inactive (the 18 months of source 004). */
export const INACTIVE_AFTER_MONTHS = 18;
