import fs from 'node:fs';

/**
 * Where the machine's CPU went during one load row, in cores (1.0 = one core busy for the whole row).
 * The machine has 2 cores and is shared with other engineers' tests and servers, so a row's figures are
 * only comparable when the "other" share is near zero; printing it makes a noisy row recognisable.
 */
export interface CpuShare {
  server: number;
  postgres: number;
  loadGenerator: number;
  /** Child processes of the runner that exited during the measurement (pgbench's client). */
  benchChildren: number;
  other: number;
  machineBusy: number;
}

const hz = 100; // USER_HZ: the unit of /proc tick counters on Linux

function statFields(pid: number | 'self'): { comm: string; ticks: number; childTicks: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime, stime are fields 14, 15; cutime, cstime (reaped children) 16, 17.
    return { comm, ticks: Number(rest[11]) + Number(rest[12]), childTicks: Number(rest[13]) + Number(rest[14]) };
  } catch {
    return undefined;
  }
}

function machineBusyTicks(): number {
  const [, ...nums] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = nums.map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal; guest time is already inside user
  return total - v[3] - v[4]; // minus idle and iowait
}

/** Ticks of every PostgreSQL process (backends of everyone, checkpointer, …) by pid. */
function postgresTicks(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statFields(Number(entry));
    if (s?.comm === 'postgres') byPid.set(Number(entry), s.ticks);
  }
  return byPid;
}

/**
 * PostgreSQL's ticks during a row: per process, so that a backend ending mid-row (the pool closes idle
 * connections after 10 s, e.g. the c=16 row's extras during the next c=1 row) loses only its own work in
 * the row, not all its earlier ticks. Summed before and after, those made the row's PostgreSQL share
 * negative, shown as 0 with the work counted as "other".
 */
function postgresDelta(before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of postgresTicks()) {
    const was = before.get(pid) ?? 0;
    sum += ticks >= was ? ticks - was : ticks; // fewer ticks than before: the pid was reused by a new process
  }
  return sum;
}

export function startCpuMeter(serverPid: number | undefined): () => CpuShare {
  const t0 = process.hrtime.bigint();
  const m0 = machineBusyTicks();
  const s0 = serverPid === undefined ? 0 : (statFields(serverPid)?.ticks ?? 0);
  const p0 = postgresTicks();
  const self0 = statFields('self');
  const l0 = self0?.ticks ?? 0;
  const c0 = self0?.childTicks ?? 0;
  return () => {
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cores = (ticks: number) => Math.max(0, ticks / hz / secs);
    const machineBusy = cores(machineBusyTicks() - m0);
    const server = serverPid === undefined ? 0 : cores((statFields(serverPid)?.ticks ?? s0) - s0);
    const postgres = cores(postgresDelta(p0));
    const self1 = statFields('self');
    const loadGenerator = cores((self1?.ticks ?? l0) - l0);
    const benchChildren = cores((self1?.childTicks ?? c0) - c0);
    const other = Math.max(0, machineBusy - server - postgres - loadGenerator - benchChildren);
    return { server, postgres, loadGenerator, benchChildren, other, machineBusy };
  };
}
