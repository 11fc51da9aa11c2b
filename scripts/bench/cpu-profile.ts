import fs from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Reads a V8 .cpuprofile (written by `node --cpu-prof`) and says where the importer's time went, by
 * phase: MIME parsing, HTML sanitising, the IMAP client, the database client, GC, and idle (waiting
 * for the IMAP server or Postgres). Built-ins (Buffer.concat, JSON, regexps…) are charged to the
 * nearest caller that belongs to a phase, so "Buffer work inside imapflow" counts as IMAP.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface PhaseShare {
  phase: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  phases: PhaseShare[];
  /** Functions with the most self time, for the curious. */
  hottest: { name: string; ms: number }[];
}

const PHASES: readonly (readonly [string, RegExp])[] = [
  ['MIME parsing (lib/mail/mime, iconv-lite)', /lib\/mail\/mime\/(?!parse|message-id)[\w-]*\.ts|node_modules\/(mailparser|mailsplit|libmime|libqp|libbase64|iconv-lite|encoding-japanese)\//],
  ['HTML sanitising (lib/mail/html, htmlparser2)', /node_modules\/(htmlparser2|entities|parse5)\/|lib\/mail\/html\/[\w-]*\.ts/],
  ['parse glue and search words (lib/mail/mime/parse, lib/search, message-id)', /lib\/mail\/mime\/(parse|message-id)\.ts|lib\/search\/[\w-]*\.ts/],
  ['IMAP client (imapflow)', /node_modules\/imapflow\//],
  ['DB client (postgres.js + drizzle)', /node_modules\/(postgres|drizzle-orm)\//],
  ['importer / lease / other app code', /^file:\/\/(?!.*node_modules\/(?!\.cache)).*\/(lib|db|scripts)\//],
  ['module loading (esbuild, tsx)', /node_modules\/(tsx|esbuild|get-tsconfig)\//],
];

function ownPhase(node: ProfileNode): string | undefined {
  const { functionName, url } = node.callFrame;
  if (functionName === '(idle)') return 'idle (waiting for IMAP or Postgres)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8/native (program)';
  return PHASES.find(([, pattern]) => pattern.test(url))?.[0];
}

/**
 * The importer runs as one esbuild bundle (scripts/bundle-command.mjs), so V8 reports our own code as
 * lines of that file; its source map gives each frame back the TypeScript file it came from, which is
 * what the phases are told apart by.
 */
function mapBundledFrames(profile: CpuProfile): void {
  const maps = new Map<string, SourceMap | null>();
  const mapFor = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      let map: SourceMap | null = null;
      try {
        const mapPath = `${fileURLToPath(url)}.map`;
        if (fs.existsSync(mapPath)) map = new SourceMap(JSON.parse(fs.readFileSync(mapPath, 'utf8')) as SourceMapPayload);
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    return maps.get(url) ?? null;
  };
  for (const node of profile.nodes) {
    const { url, lineNumber, columnNumber } = node.callFrame;
    if (!url.startsWith('file:') || !url.includes('/node_modules/.cache/')) continue;
    const entry = mapFor(url)?.findEntry(lineNumber, columnNumber);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) continue;
    const source = entry.originalSource.startsWith('file:') ? entry.originalSource : pathToFileURL(path.resolve(path.dirname(fileURLToPath(url)), entry.originalSource)).href;
    node.callFrame = { ...node.callFrame, url: source, lineNumber: entry.originalLine, columnNumber: entry.originalColumn };
  }
}

export function summarizeCpuProfile(profile: CpuProfile): ProfileSummary {
  mapBundledFrames(profile);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const phaseOf = new Map<number, string>();
  const resolvePhase = (id: number): string => {
    const known = phaseOf.get(id);
    if (known) return known;
    const node = byId.get(id);
    const parent = parentOf.get(id);
    const phase = (node && ownPhase(node)) ?? (parent !== undefined ? resolvePhase(parent) : 'node core / other');
    phaseOf.set(id, phase);
    return phase;
  };

  const msByPhase = new Map<string, number>();
  const msByFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time since the previous sample; it is charged to this sample's function.
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += ms;
    const phase = resolvePhase(id);
    msByPhase.set(phase, (msByPhase.get(phase) ?? 0) + ms);
    const node = byId.get(id);
    if (node) {
      const { functionName, url, lineNumber } = node.callFrame;
      const name = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
      msByFunction.set(name, (msByFunction.get(name) ?? 0) + ms);
    }
  });
  const phases = [...msByPhase.entries()].map(([phase, ms]) => ({ phase, ms, share: totalMs > 0 ? ms / totalMs : 0 })).sort((a, b) => b.ms - a.ms);
  const hottest = [...msByFunction.entries()]
    .map(([name, ms]) => ({ name, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
  return { totalMs, phases, hottest };
}

function shortUrl(url: string): string {
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules !== -1) return url.slice(inModules + 'node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(lib|db|scripts)\//, '$1/');
}

/**
 * The profile of the thread that did the work. Node writes one file per thread (module loader hooks
 * can run on a worker thread that idles all along): the busiest profile is the importer's main thread.
 */
export function readBusiestCpuProfile(dir: string): CpuProfile | undefined {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')) : [];
  let busiest: { profile: CpuProfile; busyMs: number } | undefined;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const summary = summarizeCpuProfile(profile);
    const busyMs = summary.totalMs - (summary.phases.find((phase) => phase.phase.startsWith('idle'))?.ms ?? 0);
    if (!busiest || busyMs > busiest.busyMs) busiest = { profile, busyMs };
  }
  return busiest?.profile;
}
