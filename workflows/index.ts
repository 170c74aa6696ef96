// The workflows the worker registers (the bundle entry point).
export { storeWorkflow } from './store.js';
export { cleanupStoreWorkflow } from './cleanup.js';
export { fleetUsageWorkflow, planStoreWorkflow, storeUsageWorkflow } from './readers.js';
