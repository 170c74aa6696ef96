// The workflows the worker registers (the bundle entry point).
export { storeWorkflow } from './store.js';
export { cleanupStoreWorkflow } from './cleanup.js';
export { fleetUsageWorkflow, planChangeWorkflow, planStoreWorkflow, storeUsageWorkflow } from './readers.js';
export { fleetUpgradeWorkflow } from './fleet-upgrade.js';
export { ownerQuotaWorkflow } from './owner-quota.js';
export { installationWorkflow } from './installation.js';
