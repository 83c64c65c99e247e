import os from 'node:os';
import autocannon from 'autocannon';
import { startCpuMeter, type CpuShare } from './cpu.ts';
import { memoryMb } from './proc.ts';
import { percentile, Samples } from './stats.ts';

export interface LoadSpec {
  baseUrl: string;
  path: string;
  /** GET unless given; a POST sends `body` on every request. */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  warmupSec: number;
  /** Server pid whose RSS is sampled during the measured phase. */
  serverPid?: number;
}

export interface LoadResult {
  path: string;
  connections: number;
  /** Measured wall time; autocannon stops on its 1 s tick, so this can exceed the asked duration slightly. */
  durationSec: number;
  responses: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number; max: number };
  non2xx: number;
  /** Connection errors including timeouts (autocannon's `errors`). */
  socketErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  rssMb: { start: number | undefined; peak: number | undefined; end: number | undefined };
  cpu: CpuShare;
  /** /proc/loadavg 1-minute figure at the end of the row: a second hint of background load. */
  loadAvg1: number;
}

/** Hard cap on requests per scenario on top of the time bound: far above what 2 cores can serve. */
const maxRequestsPerSecond = 200_000;

function fire(spec: LoadSpec, seconds: number, onLatency?: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${spec.baseUrl}${spec.path}`,
        method: spec.method ?? 'GET',
        body: spec.body,
        headers: spec.headers,
        connections: spec.connections,
        pipelining: 1, // browsers do not pipeline; pipelining would flatter the server
        duration: seconds,
        maxOverallRequests: Math.ceil(seconds * maxRequestsPerSecond),
        timeout: 10,
      },
      (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
    // autocannon's own histogram has p90/p97.5/p99 but no p95, so every latency is kept and ranked here.
    if (onLatency) instance.on('response', (_client, _status, _bytes, ms) => onLatency(ms));
  });
}

/** Warm-up (discarded), then a measured run of spec.durationSec at spec.connections. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmupSec > 0) await fire(spec, spec.warmupSec);
  const latencies = new Samples();
  const rss = { start: undefined as number | undefined, peak: undefined as number | undefined, end: undefined as number | undefined };
  const sample = () => {
    if (spec.serverPid === undefined) return;
    const mb = memoryMb(spec.serverPid, 'VmRSS');
    if (mb === undefined) return;
    rss.start ??= mb;
    rss.peak = Math.max(rss.peak ?? 0, mb);
    rss.end = mb;
  };
  sample();
  const sampler = setInterval(sample, 500);
  const cpuMeter = startCpuMeter(spec.serverPid);
  let result: autocannon.Result;
  try {
    result = await fire(spec, spec.durationSec, (ms) => latencies.push(ms));
  } finally {
    clearInterval(sampler);
  }
  const cpu = cpuMeter();
  sample();
  const sorted = latencies.sorted();
  let sum = 0;
  for (const v of sorted) sum += v;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    path: spec.path,
    connections: spec.connections,
    durationSec: result.duration,
    responses: sorted.length,
    rps: sorted.length / result.duration,
    latencyMs: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      mean: sorted.length ? sum / sorted.length : Number.NaN,
      max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    },
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    rssMb: rss,
    cpu,
    loadAvg1: os.loadavg()[0],
  };
}
