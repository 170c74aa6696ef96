// CPU time and memory of our own processes, from /proc: the machine is shared, so whole-machine
// figures would count other people's work as ours. The one exception says how busy the cores were.
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/**
 * CPU seconds of a process and of its children it has waited for (helm runs as such children),
 * from the text of /proc/<pid>/stat. The command name may hold spaces and parentheses, so the
 * fields are counted from the last ')'.
 */
export function cpuSecondsFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime, stime, cutime, cstime are fields 14..17.
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return ticks / ticksPerSecond;
}

/** Total CPU seconds of the processes so far; one that has exited counts as 0. */
export function cpuSecondsOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // gone
    }
  }
  return total;
}

/** Resident set size in MB, from the VmRSS line of /proc/<pid>/status. */
export function rssMegabytes(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line[1]) / 1024;
}

/**
 * Busy CPU seconds of the whole machine since boot, from the `cpu` line of /proc/stat: every field
 * but idle and iowait (guest time is already inside user), whoever's work it was.
 */
export function machineBusySecondsFromStat(stat: string): number {
  const line = /^cpu\s+(.*)$/m.exec(stat);
  if (!line) throw new Error('no cpu line in /proc/stat');
  const [user, nice, system, , , irq, softirq, steal] = line[1]!.trim().split(/\s+/).map(Number);
  return (
    [user, nice, system, irq, softirq, steal].reduce((sum: number, ticks) => sum + (ticks ?? 0), 0) / ticksPerSecond
  );
}

export const machineBusySeconds = () => machineBusySecondsFromStat(readFileSync('/proc/stat', 'utf8'));
