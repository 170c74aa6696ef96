// One per Temporal namespace, id `storefleet-installation`: it does nothing but exist, so its memo can
// hold what every API replica must agree on (the page-token key, set by the first API to start it, and
// each platform's creation pause, set and cleared by its `setCreationPause` update).
import { condition, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import {
  creationPauseFromMemo,
  creationPauseMemoKey,
  creationPauseReasonProblem,
  nextCreationPause,
  setCreationPauseUpdate,
  type CreationPauseRequest,
} from '../core/creation-pause.js';

export async function installationWorkflow(): Promise<void> {
  // A handler issues no command until an update arrives, so runs started before it replay unchanged.
  setHandler(
    setCreationPauseUpdate,
    (request) => {
      const key = creationPauseMemoKey(request.taskQueue);
      const before = creationPauseFromMemo(workflowInfo().memo?.[key]);
      const after = nextCreationPause(before, request, new Date());
      // null clears the key: a resumed platform has no pause in the memo at all.
      upsertMemo({ [key]: after.paused ? after : null });
      return { before, after };
    },
    {
      validator: (request: CreationPauseRequest) => {
        const problem = request.pause ? creationPauseReasonProblem(request.pause.reason) : undefined;
        if (problem) throw new Error(problem);
        if (!request.taskQueue) throw new Error('the task queue must be named');
      },
    },
  );
  await condition(() => false);
}
