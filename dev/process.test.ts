import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { liveProcesses } from './process.js';

describe('liveProcesses', () => {
  it('when a process leads its own group, then it is listed with its group and command line, and no more once it has exited', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? -1;
    try {
      expect(liveProcesses().find((p) => p.pid === pid)).toEqual({ pid, pgrp: pid, cmdline: 'sleep 30' });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(liveProcesses().some((p) => p.pid === pid)).toBe(false);
  });
});
