// Preloaded into the importer child (`node --import <this file, bundled> <mail-import bundle> …`):
// when the process exits, it writes its own exact peak RSS and CPU time to BENCH_RESOURCE_REPORT_FILE.
// Polling /proc from outside can miss the last moments of a process; getrusage() from inside cannot.
import fs from 'node:fs';

export interface ResourceReport {
  /** ru_maxrss: the peak resident set size, in KiB. */
  maxRssKib: number;
  userCpuSeconds: number;
  systemCpuSeconds: number;
}

const reportFile = process.env.BENCH_RESOURCE_REPORT_FILE;
if (reportFile) {
  // 'exit' also fires on process.exit(), which the CLI frame calls; only synchronous work runs there.
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report: ResourceReport = {
      maxRssKib: usage.maxRSS,
      userCpuSeconds: usage.userCPUTime / 1e6,
      systemCpuSeconds: usage.systemCPUTime / 1e6,
    };
    fs.writeFileSync(reportFile, JSON.stringify(report));
  });
}
