import { describe, expect, it } from 'vitest';
import {
  creationPausedMessage,
  creationPauseFromMemo,
  creationPauseReasonProblem,
  nextCreationPause,
  notPaused,
} from './creation-pause.js';

const paused = {
  paused: true as const,
  reason: 'database migration',
  pausedBy: '0123456789ab',
  pausedAt: '2026-01-02T03:04:05.000Z',
};

describe('creation pause', () => {
  it('when a reason is empty, blank, too long or not a string, then it is refused; 1 to 500 characters are accepted', () => {
    expect(creationPauseReasonProblem('')).toMatch(/empty/);
    expect(creationPauseReasonProblem('   ')).toMatch(/empty/);
    expect(creationPauseReasonProblem('x'.repeat(501))).toMatch(/500/);
    expect(creationPauseReasonProblem(42)).toMatch(/string/);
    expect(creationPauseReasonProblem('x')).toBeUndefined();
    expect(creationPauseReasonProblem('x'.repeat(500))).toBeUndefined();
  });

  it('when the memo holds a complete pause, then it is read back; anything else (absent, cleared, partial) is not paused', () => {
    expect(creationPauseFromMemo(paused)).toEqual(paused);
    expect(creationPauseFromMemo(undefined)).toEqual(notPaused);
    expect(creationPauseFromMemo(null)).toEqual(notPaused);
    expect(creationPauseFromMemo({ paused: true, reason: 'x' })).toEqual(notPaused);
    expect(creationPauseFromMemo('paused')).toEqual(notPaused);
  });

  it('when creation is paused again, then the reason and who are replaced and pausedAt stays the first one', () => {
    const now = new Date('2026-05-06T07:08:09.000Z');
    const first = nextCreationPause(notPaused, { taskQueue: 'q', pause: { reason: 'a', pausedBy: 'k1' } }, now);
    expect(first).toEqual({ paused: true, reason: 'a', pausedBy: 'k1', pausedAt: now.toISOString() });
    const again = nextCreationPause(first, { taskQueue: 'q', pause: { reason: 'b', pausedBy: 'k2' } }, new Date(0));
    expect(again).toEqual({ paused: true, reason: 'b', pausedBy: 'k2', pausedAt: now.toISOString() });
    expect(nextCreationPause(again, { taskQueue: 'q' }, now)).toEqual(notPaused);
  });

  it('when a create is refused, then the message names the reason, the key id and since when, and how to resume', () => {
    const message = creationPausedMessage(paused);
    expect(message).toContain('database migration');
    expect(message).toContain('0123456789ab');
    expect(message).toContain('2026-01-02T03:04:05.000Z');
    expect(message).toContain('DELETE /api/v1/admin/creation-pause');
  });
});
