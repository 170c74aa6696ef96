// One per Temporal namespace, id `storefleet-installation`: it does nothing but exist, so its memo can
// hold what every API replica must agree on (the page-token key, set by the first API to start it).
import { condition } from '@temporalio/workflow';

export async function installationWorkflow(): Promise<void> {
  await condition(() => false);
}
