import type { CardProcessSupervisor } from './card-process-supervisor';

/** What the rest of main needs from the card layer; the supervisor is the one implementation. */
export type CardService = Pick<
  CardProcessSupervisor,
  | 'snapshot'
  | 'onSnapshot'
  | 'waitFor'
  | 'refresh'
  | 'reread'
  | 'restartProcess'
  | 'sign'
  | 'changePin'
  | 'unblockPin'
  | 'start'
  | 'stop'
>;
