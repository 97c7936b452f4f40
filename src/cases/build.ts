// Builds a case's own outputs from its acquisitions' results folders (which it only reads):
// correlations.json, timeline.csv (merged), summary.json, provenance.json and report.html.
// Run after every `case add` and by `case report`.
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { msg } from "../core/i18n/index.ts";
import { onInterrupt } from "../core/interrupt.ts";
import type { Detection, Grade, Verdict } from "../core/model.ts";
import { partialPath } from "../core/output-file.ts";
import { isRegularFile } from "../core/regular-file.ts";
import { EXIT, GRADES } from "../core/model.ts";
import { REPO_ROOT } from "../core/paths.ts";
import { VERSION } from "../core/version.ts";
import { writeCaseReport } from "../report/case-html.ts";
import { writeJson } from "../report/results.ts";
import { sortDetections } from "../report/summary.ts";
import { CORRELATION_FILE, shippedCorrelations, type CorrelationSet } from "../rules/correlation.ts";
import { unavailableNote } from "../rules/correlate.ts";
import { readAcquisition, type AcquisitionResults } from "./acquisition-results.ts";
import type { OpenCase } from "./case-folder.ts";
import { correlateCase, type CaseCorrelation } from "./correlate-case.ts";
import { retroHuntDetections } from "./retro-hunt-files.ts";
import { writeCaseTimeline } from "./timeline.ts";
import { caseVerdict } from "./verdict.ts";

export interface CaseSummary {
  case: { id: string; name: string; dir: string };
  verdict: Verdict;
  incomplete: boolean;
  /** Every detection of the case by grade: the acquisitions', the correlated ones and retro-hunt matches. */
  detections: Record<Grade, number>;
  correlated: number;
  retro_hunt: number;
  acquisitions: {
    id: string;
    kind: string;
    input: string;
    verdict?: string;
    incomplete?: boolean;
    detections?: Record<Grade, number>;
    exit_code: number;
    problem?: string;
  }[];
  sets: CaseCorrelation["sets"];
  timeline_events: number;
  exitCode: number;
}

export interface BuiltCase {
  summary: CaseSummary;
  correlated: Detection[];
  retroHunt: Detection[];
  acquisitions: AcquisitionResults[];
  reportPath?: string;
}

/** The case's own outputs, rebuilt from its acquisitions by buildCase. */
export const CASE_OUTPUTS = ["timeline.csv", "correlations.json", "summary.json", "provenance.json", "report.html"] as const;
type CaseOutput = (typeof CASE_OUTPUTS)[number];

/**
 * Removes the case outputs not in `keep`, out of date once the case has changed, and any left
 * under their temporary name, so that none is left to look finished; says so on stderr.
 */
export function removeStaleCaseOutputs(dir: string, keep: ReadonlySet<string> = new Set()): void {
  for (const name of CASE_OUTPUTS) {
    if (!keep.has(name)) rmSync(join(dir, name), { force: true });
    rmSync(partialPath(join(dir, name)), { force: true });
  }
  process.stderr.write(`vigil: the case's outputs were not all rebuilt; the ones left from before were removed ("vigil case report ${dir}" rebuilds them)\n`);
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

const byGrade = (ds: Pick<Detection, "grade">[]) => {
  const c = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
  for (const d of ds) c[d.grade]++;
  return c;
};

/** Every input of every acquisition (as its check hashed them) and every results file, hashed again now. */
async function provenance(open: OpenCase, acqs: AcquisitionResults[]): Promise<unknown> {
  const out = [];
  for (const a of acqs) {
    const results = [];
    // A results folder that is gone or not a folder has its problem below.
    for (const name of isFolder(a.dir) ? readdirSync(a.dir).sort() : []) {
      const p = join(a.dir, name);
      // Files only: not a folder, nor a link to nothing (its name is not a results file).
      if (isRegularFile(p)) results.push({ file: name, sha256: await sha256File(p), size: statSync(p).size });
    }
    out.push({
      id: a.acq.id,
      kind: a.acq.kind,
      input: a.acq.input,
      added: a.acq.added,
      checked_with: a.info ? { version: a.info.version, started: a.info.started, finished: a.info.finished } : undefined,
      inputs: a.info?.inputs ?? [],
      indicators: a.info ? { snapshot: a.info.iocs.snapshot, sets: a.info.iocs.sets.map((s) => ({ name: s.name, file: s.file, source: s.source, sha256: s.sha256 })) } : undefined,
      results_folder: relative(open.dir, a.dir),
      results,
      problem: a.problem,
    });
  }
  return {
    tool: "vigil",
    version: VERSION,
    built: new Date().toISOString(),
    case: { id: open.info.id, name: open.info.name, created: open.info.created },
    correlation_rules: { file: relative(REPO_ROOT, CORRELATION_FILE), sha256: createHash("sha256").update(readFileSync(CORRELATION_FILE)).digest("hex") },
    acquisitions: out,
  };
}

/**
 * Rebuilds the case's outputs, the report in `lang` (default English). Stopped by a signal
 * half-way, it removes those it had not yet rewritten: each output left is either rebuilt or
 * gone, never one of the case before.
 */
export async function buildCase(open: OpenCase, opts: { rules?: CorrelationSet; report?: boolean; lang?: string } = {}): Promise<BuiltCase> {
  const rebuilt = new Set<CaseOutput>();
  const off = onInterrupt(() => removeStaleCaseOutputs(open.dir, rebuilt), ["SIGINT", "SIGTERM"]);
  try {
    return await buildOutputs(open, opts, (name) => rebuilt.add(name));
  } finally {
    off();
  }
}

async function buildOutputs(open: OpenCase, opts: { rules?: CorrelationSet; report?: boolean; lang?: string }, done: (name: CaseOutput) => void): Promise<BuiltCase> {
  const rules = opts.rules ?? shippedCorrelations();
  const acqs = open.info.acquisitions.map((a) => readAcquisition(open.dir, a));
  const corr = await correlateCase(acqs, rules);
  const correlated = corr.detections;
  const retro = retroHuntDetections(open.dir);
  const events = await writeCaseTimeline(join(open.dir, "timeline.csv"), acqs, correlated);
  done("timeline.csv");
  writeJson(join(open.dir, "correlations.json"), correlated);
  done("correlations.json");
  const caseDetections = [...correlated, ...retro.detections];
  const all = [...acqs.flatMap((a) => a.detections), ...caseDetections];
  // The acquisitions' detections count as well as their verdicts: a summary.json that is missing
  // or says less than its alerts.json (a damaged or edited folder) must not make the case look clean.
  const verdict = caseVerdict(
    acqs.map((a) => a.summary?.verdict),
    [...caseDetections, ...acqs.flatMap((a) => a.detections)],
  );
  const incomplete = acqs.some((a) => a.problem || a.summary?.incomplete) || corr.problems.length > 0;
  const summary: CaseSummary = {
    case: { id: open.info.id, name: open.info.name, dir: open.dir },
    verdict,
    incomplete,
    detections: byGrade(all),
    correlated: correlated.length,
    retro_hunt: retro.detections.length,
    acquisitions: acqs.map((a) => ({
      ...acquisitionFacts(a),
      detections: a.summary?.detections,
      exit_code: a.acq.exit_code,
      ...(a.problem ? { problem: a.problem } : {}),
    })),
    sets: corr.sets,
    timeline_events: events,
    exitCode: all.length ? EXIT.detections : incomplete || verdict === "too_little_to_say" ? EXIT.incomplete : EXIT.nothingFound,
  };
  writeJson(join(open.dir, "summary.json"), summary);
  done("summary.json");
  writeJson(join(open.dir, "provenance.json"), await provenance(open, acqs));
  done("provenance.json");
  const notes = [
    ...Object.entries(corr.sets)
      .filter(([, s]) => !s.available)
      .map(([name, s]) => unavailableNote(name, s.reason ?? "")),
    ...corr.problems.map((problem) => msg("case.note.not_read", { problem })),
    ...retro.problems.map((problem) => msg("case.note.retro_not_read", { problem })),
    ...(corr.stats.dropped ? [msg("case.note.dropped", { n: corr.stats.dropped })] : []),
  ];
  let reportPath: string | undefined;
  if (opts.report !== false) {
    reportPath = writeCaseReport(open.dir, {
      name: open.info.name,
      id: open.info.id,
      verdict,
      incomplete,
      built: new Date().toISOString(),
      correlated,
      retroHunt: sortDetections(retro.detections),
      notes,
      acquisitions: acqs.map((a) => ({
        ...acquisitionFacts(a),
        detections: sortDetections(a.detections),
        coverage: a.coverage,
        report: statSafe(join(a.dir, "report.html")) ? `${relative(open.dir, a.dir)}/report.html` : undefined,
        problem: a.problem,
        taken: a.taken,
      })),
    }, opts.lang);
    done("report.html");
  }
  return { summary, correlated, retroHunt: retro.detections, acquisitions: acqs, reportPath };
}

/** What the case summary and the case report both say of an acquisition. */
function acquisitionFacts(a: AcquisitionResults) {
  return { id: a.acq.id, kind: a.acq.kind, input: a.acq.input, verdict: a.summary?.verdict, incomplete: a.summary?.incomplete };
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `p` is a file; false when it cannot be looked at (a name too long, a link looping on itself). */
function statSafe(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
