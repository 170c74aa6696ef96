// The emergency switch that stops new stores from being created: kept in the memo of the installation
// workflow (workflows/installation.ts), set and cleared by its `setCreationPause` update, read by every
// API replica and the Store controller with describe(). One pause per task queue (one platform), as the
// owner quotas are, so platforms sharing a Temporal namespace do not pause each other.
import { defineUpdate } from '@temporalio/workflow';

export type CreationPause =
  | { paused: false }
  | {
      paused: true;
      reason: string;
      /** The id of the admin key that paused (api/auth.ts keyIdOf), never the key. */
      pausedBy: string;
      /** ISO time of the first pause; pausing again replaces the reason and who, not since when. */
      pausedAt: string;
    };

export const notPaused: CreationPause = { paused: false };

export const creationPauseReasonMax = 500;

/** Why a reason is not accepted, or undefined when it is (1-500 characters, not only blanks). */
export function creationPauseReasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return 'the reason must be a string';
  if (reason.trim().length === 0) return 'the reason must not be empty';
  if (reason.length > creationPauseReasonMax) return `the reason must be at most ${creationPauseReasonMax} characters`;
  return undefined;
}

/** Pause (with a reason, by a key id) or resume (`pause` left out), for the platform of `taskQueue`. */
export interface CreationPauseRequest {
  taskQueue: string;
  pause?: { reason: string; pausedBy: string };
}

/** The update's answer: the pause as it was before and as it is now. */
export interface CreationPauseChange {
  before: CreationPause;
  after: CreationPause;
}

export const setCreationPauseUpdate = defineUpdate<CreationPauseChange, [CreationPauseRequest]>('setCreationPause');

/** The installation workflow's memo key holding the pause of one task queue's platform. */
export const creationPauseMemoKey = (taskQueue: string) => `creationPause/${taskQueue}`;

/** The pause a memo value says: anything but a complete paused record (absent, cleared) is not paused. */
export function creationPauseFromMemo(value: unknown): CreationPause {
  if (!value || typeof value !== 'object') return notPaused;
  const { paused, reason, pausedBy, pausedAt } = value as Record<string, unknown>;
  if (paused !== true || typeof reason !== 'string' || typeof pausedBy !== 'string' || typeof pausedAt !== 'string')
    return notPaused;
  return { paused: true, reason, pausedBy, pausedAt };
}

/** The pause after a request: a new pause keeps the first pausedAt when creation was paused already. */
export function nextCreationPause(before: CreationPause, request: CreationPauseRequest, now: Date): CreationPause {
  if (!request.pause) return notPaused;
  return {
    paused: true,
    reason: request.pause.reason,
    pausedBy: request.pause.pausedBy,
    pausedAt: before.paused ? before.pausedAt : now.toISOString(),
  };
}

/** What a refused create says: why, who and since when, and how it ends. */
export function creationPausedMessage(pause: Extract<CreationPause, { paused: true }>): string {
  return `store creation is paused for the whole platform since ${pause.pausedAt} by admin key ${pause.pausedBy}: ${pause.reason}; existing stores keep working, and new ones can be created once an admin resumes creation (DELETE /api/v1/admin/creation-pause)`;
}
