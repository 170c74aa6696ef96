// What a workflow's running activities look like from Temporal's side (describe), so a fault test can
// strike while a given step is provably in flight.
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

/** The activity of this type is running (started by a worker, not just scheduled). */
export async function activityRunning(handle: WorkflowHandle, type: string): Promise<boolean> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).some(
    (a) =>
      a.activityType?.name === type &&
      a.state === proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
  );
}

/** What the running activity's last heartbeat that reached Temporal said (its JSON), or ''. */
export async function lastHeartbeat(handle: WorkflowHandle, type: string): Promise<string> {
  const { raw } = await handle.describe();
  const data = raw.pendingActivities?.find((a) => a.activityType?.name === type)?.heartbeatDetails?.payloads?.[0]?.data;
  return data ? Buffer.from(data).toString() : '';
}
