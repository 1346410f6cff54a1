import type { AppApi } from '../../../common/ipc/api';

/** The slice of the preload API the administration views use (and all their tests fake). */
export type AdministrationApi = Pick<
  AppApi,
  | 'getOrganisation'
  | 'listUserPage'
  | 'getUser'
  | 'createUser'
  | 'updateUser'
  | 'deleteUser'
  | 'setPermissions'
  | 'listAudit'
  | 'listAdministrators'
  | 'appointAdministrator'
  | 'removeAdministrator'
  | 'on'
>;
