// Running modules on one acquisition view: each module that applies reads through the view, its
// records go to `<module>.json`, its events to the timeline store and its findings to the
// detections, and its coverage says what was checked. Used by a check (check.ts), by the worker
// threads of a parallel run (src/parallel) and, through collectModule, by tests.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AcquisitionView, ArtifactSpec, FileEntry, SpecKey } from "../acquisitions/view.ts";
import { applies, isWhole, mergeSpecs } from "../acquisitions/spec-match.ts";
import { isBatched, type ModuleContext, type ModuleDef } from "../modules/contract.ts";
import type { Shard } from "../core/shard.ts";
import type { Coverage, Detection, DetectionInput, Message, ModuleExposure, TimelineEvent } from "../core/model.ts";
import { describeError } from "../core/errors.ts";
import { english, msg } from "../core/i18n/index.ts";
import { OutputError } from "../core/output-file.ts";
import type { Matcher } from "../indicators/matcher-api.ts";
import { resultsSlug, timelinePlugin } from "../modules/mvt-names.ts";
import { JsonArrayWriter } from "../report/json-writer.ts";
import type { CheckRun } from "../report/results.ts";
import { TimelineStore } from "../report/timeline-store.ts";
import type { ProgressFn } from "./progress.ts";

/** Where a module's output goes. The results writer and the in-memory collector implement it. */
export interface ModuleSink {
  record(r: unknown): void;
  event(e: TimelineEvent): void;
  /** event() without the event object, for sinks that store fields (the timeline store). */
  eventFields?(timestamp: string, module: string, event: string, description: string, detected: boolean): void;
  detection(d: Detection): void;
  exposure(e: ModuleExposure): void;
}

export interface ModuleOutcome {
  coverage: Coverage;
  warnings: string[];
  /** Entries the module added about what its artifact could not show (ctx.cover). */
  more: Coverage[];
}

/**
 * Runs one module against a view. Never throws for the artifact's problems: they land in coverage.
 * `wanted`: what every module of the run reads (the module's own `reads` when it runs alone).
 */
export async function runModule(
  mod: ModuleDef<any>,
  view: AcquisitionView,
  iocs: Matcher,
  sink: ModuleSink,
  opts: { progress?: ProgressFn; shard?: Shard; wanted?: ArtifactSpec } = {},
): Promise<ModuleOutcome> {
  const { progress = () => {}, shard, wanted = mod.reads } = opts;
  const base = { module: mod.name, title: mod.title };
  const warnings: string[] = [];
  const more: Coverage[] = [];
  if (mod.platform !== view.platform || !applies(mod.reads, view)) {
    const reason = msg("coverage.reason.not_applicable", { kind: msg(`acquisition.${view.kind}`) });
    return { coverage: { ...base, status: "not_applicable", reason: english(reason), reason_message: reason }, warnings, more };
  }
  let files: FileEntry[] = [];
  try {
    if (!isWhole(mod.reads, view)) {
      files = await view.find(mod.reads);
      if (files.length === 0) {
        const reason = describeSpec(mod, view);
        return { coverage: { ...base, status: "absent", reason: english(reason), reason_message: reason }, warnings, more };
      }
    }
  } catch (e) {
    return { coverage: { ...base, status: "failed", reason: describeError(e) }, warnings, more };
  }
  const artifacts = files.map((f) => f.path);
  const defaultArtifact = artifacts.length === 1 ? artifacts[0] : artifacts.length ? artifacts.join(", ") : view.root;
  let n = 0;
  let nDetections = 0;
  let skipped = 0;
  let firstSkip = "";
  const complete = (d: DetectionInput): Detection => {
    nDetections++;
    return { ...d, module: mod.name, artifact: d.artifact ?? defaultArtifact };
  };
  const ctx: ModuleContext = {
    view,
    iocs,
    files,
    wanted,
    detect: (d) => sink.detection(complete(d)),
    expose: (e) => sink.exposure({ ...e, module: mod.name }),
    event: (e) => sink.event({ ...e, module: mod.name }),
    warn: (m) => warnings.push(m),
    skip: (reason, count = 1) => {
      if (count <= 0) return;
      skipped += count;
      firstSkip ||= reason;
    },
    cover: (c) => more.push(c),
    progress: (done, total) => progress(`${mod.name}: ${done.toLocaleString("en")}${total ? ` / ${total.toLocaleString("en")}` : ""}`, true),
    shard,
  };
  const fields = sink.eventFields?.bind(sink);
  const handle = (rec: unknown) => {
    n++;
    sink.record(rec);
    const found = mod.check ? mod.check(rec, ctx) : [];
    if (mod.events) {
      const detected = found.length > 0;
      for (const e of mod.events(rec)) {
        if (!e.timestamp) continue;
        if (fields) fields(e.timestamp, mod.name, e.event, e.description, detected);
        else sink.event({ ...e, module: mod.name, detected });
      }
    }
    for (const d of found) sink.detection(complete({ ...d, record: d.record ?? rec }));
    if ((n & 0xffff) === 0) ctx.progress(n);
  };
  try {
    const source = mod.records(ctx);
    // A sync generator is walked without `for await`, which would cost a promise per row.
    if (isBatched(source)) {
      for await (const batch of source.batches) for (const rec of batch) handle(rec);
    } else if (Symbol.iterator in source) {
      for (const rec of source as Iterable<unknown>) handle(rec);
    } else {
      for await (const rec of source) handle(rec);
    }
  } catch (e) {
    // A result that cannot be written (a full disk) stops the check: it is not the artifact's fault.
    if (e instanceof OutputError) throw e;
    return {
      coverage: { ...base, status: "failed", records: n, ...(skipped ? { skipped } : {}), reason: describeError(e), artifacts, detections: nDetections },
      warnings,
      more,
    };
  }
  if (skipped) {
    const reason = msg("coverage.reason.skipped", { n: skipped, first: firstSkip, checked: n });
    return { coverage: { ...base, status: "failed", records: n, skipped, reason: english(reason), reason_message: reason }, warnings, more };
  }
  return { coverage: { ...base, status: "checked", records: n, artifacts, detections: nDetections }, warnings, more };
}

function describeSpec(mod: ModuleDef<any>, view: AcquisitionView): Message {
  if (view.specKey === "backup") return msg("coverage.reason.absent_backup", { paths: (mod.reads.backup ?? []).map((b) => `${b.domain}/${b.path}`).join(", ") });
  return msg("coverage.reason.absent", { paths: ((mod.reads[view.specKey] as string[] | undefined) ?? []).join(", ") });
}

/** Collects a module's output in memory: for tests and small checks. */
export async function collectModule(mod: ModuleDef<any>, view: AcquisitionView, iocs: Matcher) {
  const records: unknown[] = [];
  const events: TimelineEvent[] = [];
  const detections: Detection[] = [];
  const exposure: ModuleExposure[] = [];
  const outcome = await runModule(mod, view, iocs, {
    record: (r) => records.push(r),
    event: (e) => events.push(e),
    detection: (d) => detections.push(d),
    exposure: (e) => exposure.push(e),
  });
  return { records, events, detections, exposure, ...outcome };
}

/** Options shared by the serial runner and the parallel one. */
export interface RunModulesOptions {
  view: AcquisitionView;
  modules: ModuleDef<any>[];
  iocs: Matcher;
  outputDir: string;
  progress?: ProgressFn;
  /** Shared across the views of one check (an androidqf bundle and its nested backup). */
  timeline?: TimelineStore;
  /** Prefix of output file names of a nested view, for the names an earlier view of the check writes (`taken`). */
  prefix?: string;
  /** Results file slugs the earlier views of the check write: a nested view's file of the same name gets `prefix`. */
  taken?: string[];
  /** What every module of the run reads (default: what `modules` read). */
  wanted?: ArtifactSpec;
}

/**
 * Runs every module that applies to the view, writing `<module>.json` (and the detected
 * records) into outputDir as it goes. Timeline events are kept in a TimelineStore for the
 * results writer to sort. `numbering` gives each module's place in the whole run, for the
 * progress lines of a worker that runs only some of them.
 */
export async function runModules(
  opts: RunModulesOptions & {
    numbering?: { index: Map<string, number>; total: number };
    /** Run the (one) module as this part, its JSON written as fragments into `partDir` (see src/parallel). */
    shard?: Shard & { partDir: string };
  },
): Promise<CheckRun> {
  const { view, modules, iocs, outputDir } = opts;
  const progress = opts.progress ?? (() => {});
  const prefix = opts.prefix ?? "";
  const wanted = opts.wanted ?? mergeSpecs(modules.map((m) => m.reads));
  mkdirSync(outputDir, { recursive: true });
  const timeline = opts.timeline ?? new TimelineStore();
  const detections: Detection[] = [];
  const exposure: ModuleExposure[] = [];
  const coverage: Coverage[] = [];
  const warnings: Record<string, string[]> = {};
  const applicable = modules.filter((m) => m.platform === view.platform);
  const total = opts.numbering?.total ?? applicable.length;
  let i = 0;
  for (const mod of applicable) {
    i++;
    const n = opts.numbering?.index.get(mod.name) ?? i;
    // A part of a split module writes fragments, put together when every part is done.
    const part = opts.shard;
    const jsonFile = (file: string) => new JsonArrayWriter(part ? shardPart(part, file) : join(outputDir, file), !!part, mod.exactIntegers);
    const slug = resultsFileSlug(mod.name, view.specKey, prefix, opts.taken);
    const plugin = timelinePlugin(mod.name, view.specKey);
    const writer = jsonFile(`${slug}.json`);
    const detected = jsonFile(`${slug}_detected.json`);
    const label = part ? `${mod.name} (part ${part.index + 1}/${part.count})` : mod.name;
    const step = { module: mod.name, index: n, total, ...(part ? { part: { index: part.index + 1, count: part.count } } : {}), ...(prefix ? { view: prefix.replace(/_$/, "") } : {}) };
    progress(`[${n}/${total}] ${label}`, true, step);
    timeline.section();
    const t0 = performance.now();
    let outcome: ModuleOutcome;
    try {
      outcome = await runModule(
        mod,
        view,
        iocs,
        {
          record: (r) => writer.write(r),
          // timeline.csv names MVT's plugin (SafariHistory) where MVT has the module.
          event: (e) => timeline.add({ ...e, module: plugin }),
          eventFields: (timestamp, _module, event, description, detected) => timeline.addFields(timestamp, plugin, event, description, detected),
          detection: (d) => {
            d.results_file = `${slug}.json`;
            detections.push(d);
            detected.write(detectedRecord(d));
          },
          exposure: (e) => exposure.push(e),
        },
        { progress, shard: part, wanted },
      );
    } catch (e) {
      writer.discard();
      detected.discard();
      throw e;
    }
    const { coverage: cov, warnings: w, more } = outcome;
    writer.close(cov.status === "checked" || writer.count > 0);
    detected.close(false);
    coverage.push(cov, ...more);
    if (w.length) {
      warnings[mod.name] = w;
      cov.warnings = w;
    }
    const ms = Math.round(performance.now() - t0);
    const what =
      cov.status === "checked" ? `${cov.records} records${cov.detections ? `, ${cov.detections} detections` : ""}` : cov.status === "failed" ? `FAILED: ${cov.reason}` : cov.status.replace("_", " ");
    // A nested view (the backup inside an androidqf bundle) applies to few modules: listing the
    // rest as "not applicable" a second time only buries the lines that matter.
    const ended = { ...step, status: cov.status, ...(cov.status === "checked" ? { records: cov.records, detections: cov.detections } : {}), ...(cov.reason ? { reason: cov.reason } : {}) };
    if (!(prefix && cov.status === "not_applicable")) progress(`[${n}/${total}] ${label}${prefix ? ` (${prefix.replace(/_$/, "")})` : ""}: ${what} (${ms} ms)`, false, ended);
  }
  return { coverage, detections, exposure, timeline, warnings };
}

/**
 * The name of a module's results file (without `.json`): MVT's slug on this kind of acquisition
 * where MVT has the module (modules/mvt-names.ts), else the module's name; a nested view's file
 * (the backup inside an androidqf bundle) gets its prefix only when an earlier view of the check
 * writes the same name, so the bundle's SMS are `sms.json` as MVT writes them.
 */
export function resultsFileSlug(module: string, kind: SpecKey, prefix = "", taken: readonly string[] = []): string {
  const slug = resultsSlug(module, kind);
  return prefix && taken.includes(slug) ? prefix + slug : slug;
}

/** Where part `shard.index` of an output file goes before the parts are put together. */
export function shardPart(shard: Shard & { partDir: string }, file: string): string {
  return join(shard.partDir, `${file}.part-${shard.index}`);
}

/** A line of `<module>_detected.json`: the record, the indicator it matched, and the detection. */
function detectedRecord(d: Detection): unknown {
  return { ...(typeof d.record === "object" && d.record ? d.record : { value: d.record }), matched_indicator: d.matched_indicator, vigil_detection: { ...d, record: undefined } };
}
