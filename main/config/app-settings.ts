import type { CardRemovalPolicy } from '../../common/session/session-state';
import { resolveCardSettings, type CardSettings, type CardSettingsSources } from './card-settings';

/** The origin login signatures are bound to unless configured otherwise (the reference backend's default). */
export const DEFAULT_ORIGIN = 'https://behorighetsadmin.test';

export interface AppSettings {
  card: CardSettings;
  backend: { url: string; origin: string } | null;
  cardRemovalPolicy: CardRemovalPolicy;
}

/**
 * Settings for the main process. For now from the environment (BEHORIGHETSADMIN_BACKEND_URL,
 * BEHORIGHETSADMIN_ORIGIN, BEHORIGHETSADMIN_CARD_REMOVAL, and the card settings); the deployment
 * issue layers defaults, user settings and system policy over this.
 */
export function resolveAppSettings(sources: CardSettingsSources): AppSettings {
  const { env } = sources;
  const url = env.BEHORIGHETSADMIN_BACKEND_URL?.trim();
  return {
    card: resolveCardSettings(sources),
    backend: url ? { url, origin: env.BEHORIGHETSADMIN_ORIGIN?.trim() || DEFAULT_ORIGIN } : null,
    cardRemovalPolicy: env.BEHORIGHETSADMIN_CARD_REMOVAL === 'lock' ? 'lock' : 'logout',
  };
}
