// CPU time of processes from /proc (Linux; null elsewhere), for benchmarks that report CPU per
// request beside throughput: on a shared 2-core machine req/s moves with the neighbours' load,
// CPU per request much less.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) a process has used so far. */
export function cpuMillis(pid: number | undefined): number | null {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU time of a server and its worker processes (a clustered server's primary forks them). */
export function treeCpuMillis(pid: number | undefined): number | null {
  const own = cpuMillis(pid);
  if (own === null || pid === undefined) return own;
  const children = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(children)) return own;
  const kids = readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.reduce((sum, kid) => sum + (treeCpuMillis(kid) ?? 0), own);
}

/** CPU time of every process with this command name (e.g. `postgres`: the server and its
 * backends), by pid: the difference of two readings counts a backend that lives through both
 * (a pool's connections do) and one that starts between them. */
export function cpuByCommand(command: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!existsSync('/proc')) return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
    } catch {
      continue;
    }
    const ms = cpuMillis(Number(entry));
    if (ms !== null) out.set(Number(entry), ms);
  }
  return out;
}

/** CPU ms used between two `cpuByCommand` readings. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
