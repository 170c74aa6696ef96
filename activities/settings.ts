import type { ActivityDeps } from './deps.js';
import type { StoreSettings } from '../core/settings.js';

/** Hands the worker's settings to a workflow run, recorded in its history. */
export function createSettingsActivities(deps: ActivityDeps) {
  return {
    loadSettings(): Promise<StoreSettings> {
      return Promise.resolve(deps.settings);
    },
  };
}
