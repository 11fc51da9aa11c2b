import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * What the benchmark reads about processes from /proc (Linux only): peak memory and CPU time of a
 * child while it runs, and the CPU time a server (Postgres, Dovecot) spent including the worker
 * processes it forked per connection. GNU time is not installed on these machines, and Node cannot
 * give a child's rusage, so /proc is the way.
 */

let clockTicksPerSecond: number | undefined;

function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // Linux has used 100 on every common architecture for decades.
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

interface ProcessStat {
  pid: number;
  parentPid: number;
  /** Own CPU ticks (user + system). */
  ownTicks: number;
  /** CPU ticks of children that exited and were waited for: a server's finished connection workers land here. */
  reapedChildrenTicks: number;
}

function readStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (index: number) => Number(fields[index] ?? 0);
  // Fields after the name (proc(5)): 0 state, 1 ppid, …, 11 utime, 12 stime, 13 cutime, 14 cstime.
  return { pid, parentPid: field(1), ownTicks: field(11) + field(12), reapedChildrenTicks: field(13) + field(14) };
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/**
 * CPU seconds used so far by the process, its live descendants and every descendant that has exited
 * and been reaped. Each finished process is counted once, in the cumulative time of whoever reaped it.
 */
export function processTreeCpuSeconds(rootPid: number): number {
  const stats = allPids().flatMap((pid) => readStat(pid) ?? []);
  const childrenOf = new Map<number, ProcessStat[]>();
  for (const stat of stats) childrenOf.set(stat.parentPid, [...(childrenOf.get(stat.parentPid) ?? []), stat]);
  const root = stats.find((stat) => stat.pid === rootPid);
  if (!root) return 0;
  let ticks = 0;
  const pending = [root];
  for (let next = pending.pop(); next; next = pending.pop()) {
    ticks += next.ownTicks + next.reapedChildrenTicks;
    pending.push(...(childrenOf.get(next.pid) ?? []));
  }
  return ticks / ticksPerSecond();
}

/** The pid of the first process whose command line (argv) satisfies the predicate. */
export function findProcess(matches: (argv: readonly string[]) => boolean): number | undefined {
  for (const pid of allPids()) {
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (matches(argv)) return pid;
  }
  return undefined;
}

/** VmHWM: the highest resident set size the process has reached, in KiB. */
function peakRssKib(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface MeasuredRun {
  exitCode: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** The last VmHWM read while it ran (it only grows, so the last reading is the closest to the true peak). */
  polledPeakRssKib: number;
  /** Own user + system CPU at the last reading before it exited. */
  polledCpuSeconds: number;
}

/**
 * Runs a program directly (no shell, no npx, so the pid polled is the program itself) and samples its
 * peak memory and CPU from /proc while it runs.
 */
export function runMeasured(
  command: string,
  args: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    pollIntervalMs?: number;
    onStderrLine?: (line: string) => void;
    /** Lets the caller kill it when the benchmark is interrupted. */
    onStart?: (child: ChildProcess) => void;
    /** Written to the program's stdin (a password, as an admin would pipe it); stdin is empty otherwise. */
    stdin?: string;
  },
): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(options.stdin ?? '');
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    let polledPeakRssKib = 0;
    let polledCpuSeconds = 0;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      if (options.onStderrLine) for (const line of text.split('\n').filter(Boolean)) options.onStderrLine(line);
    });
    const sample = () => {
      if (child.pid === undefined) return;
      polledPeakRssKib = Math.max(polledPeakRssKib, peakRssKib(child.pid) ?? 0);
      const stat = readStat(child.pid);
      if (stat) polledCpuSeconds = Math.max(polledCpuSeconds, stat.ownTicks / ticksPerSecond());
    };
    const timer = setInterval(sample, options.pollIntervalMs ?? 100);
    child.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ exitCode: code, wallMs: performance.now() - started, stdout, stderr, polledPeakRssKib, polledCpuSeconds });
    });
  });
}

/** The one-minute load average, to show how busy the shared machine was during a measurement. */
export function loadAverage(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
