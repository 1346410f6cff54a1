import type { AdministrationApi } from './administration-api';

/**
 * Drops every store's data the moment the session ends (logout, expiry, card removed): nothing
 * about the organisation's users outlives the login. Returns the unsubscribe function.
 */
export function forgetOnLogout(
  api: Pick<AdministrationApi, 'on'>,
  stores: readonly { getState(): { reset(): void } }[],
): () => void {
  return api.on('session:state', (state) => {
    if (state.status === 'logged-out') for (const store of stores) store.getState().reset();
  });
}
