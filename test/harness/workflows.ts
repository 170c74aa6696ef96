// The one workflow bundle of a test run: the project's workflows plus the harness's own fixtures.
export * from '../../workflows/index.js';
export * from '../fixtures/workflows/smoke.js';
