import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { applies, isWhole } from "./acquisitions/spec-match.js";
import { describeError } from "./core/errors.js";
import { JsonArrayWriter } from "./report/json-writer.js";
import { TimelineStore } from "./report/timeline-store.js";
async function runModule(mod, view, iocs, sink, progress = () => {
}) {
  const base = { module: mod.name, title: mod.title };
  const warnings = [];
  if (mod.platform !== view.platform || !applies(mod.reads, view)) {
    return { coverage: { ...base, status: "not_applicable", reason: `not part of an ${view.kind} acquisition` }, warnings };
  }
  let files = [];
  try {
    if (!isWhole(mod.reads, view)) {
      files = await view.find(mod.reads);
      if (files.length === 0) {
        return { coverage: { ...base, status: "absent", reason: describeSpec(mod, view) }, warnings };
      }
    }
  } catch (e) {
    return { coverage: { ...base, status: "failed", reason: describeError(e) }, warnings };
  }
  const artifacts = files.map((f) => f.path);
  const defaultArtifact = artifacts.length === 1 ? artifacts[0] : artifacts.length ? artifacts.join(", ") : view.root;
  let n = 0;
  let nDetections = 0;
  const complete = (d) => {
    nDetections++;
    return { ...d, module: mod.name, artifact: d.artifact ?? defaultArtifact };
  };
  const ctx = {
    view,
    iocs,
    files,
    detect: (d) => sink.detection(complete(d)),
    event: (e) => sink.event({ ...e, module: mod.name }),
    warn: (m) => warnings.push(m),
    progress: (done, total) => progress(`${mod.name}: ${done.toLocaleString("en")}${total ? ` / ${total.toLocaleString("en")}` : ""}`, true)
  };
  const fields = sink.eventFields?.bind(sink);
  const handle = (rec) => {
    n++;
    sink.record(rec);
    const found = mod.check ? mod.check(rec, ctx) : [];
    if (mod.events) {
      const detected = found.length > 0;
      for (const e of mod.events(rec)) {
        if (!e.timestamp) continue;
        if (fields) fields(e.timestamp, mod.name, e.event, e.description, detected);
        else sink.event({ timestamp: e.timestamp, module: mod.name, event: e.event, description: e.description, detected });
      }
    }
    for (const d of found) sink.detection(complete({ ...d, record: d.record ?? rec }));
    if ((n & 65535) === 0) ctx.progress(n);
  };
  try {
    const source = mod.records(ctx);
    if (Symbol.iterator in source) {
      for (const rec of source) handle(rec);
    } else {
      for await (const rec of source) handle(rec);
    }
  } catch (e) {
    return {
      coverage: { ...base, status: "failed", records: n, reason: describeError(e), artifacts, detections: nDetections },
      warnings
    };
  }
  return { coverage: { ...base, status: "checked", records: n, artifacts, detections: nDetections }, warnings };
}
function describeSpec(mod, view) {
  if (view.specKey === "backup") return `not in this backup: ${(mod.reads.backup ?? []).map((b) => `${b.domain}/${b.path}`).join(", ")}`;
  return `not in this acquisition: ${(mod.reads[view.specKey] ?? []).join(", ")}`;
}
async function collectModule(mod, view, iocs) {
  const records = [];
  const events = [];
  const detections = [];
  const outcome = await runModule(mod, view, iocs, {
    record: (r) => records.push(r),
    event: (e) => events.push(e),
    detection: (d) => detections.push(d)
  });
  return { records, events, detections, ...outcome };
}
async function runModules(opts) {
  const { view, modules, iocs, outputDir } = opts;
  const progress = opts.progress ?? (() => {
  });
  const prefix = opts.prefix ?? "";
  mkdirSync(outputDir, { recursive: true });
  const timeline = opts.timeline ?? new TimelineStore();
  const detections = [];
  const coverage = [];
  const warnings = {};
  const applicable = modules.filter((m) => m.platform === view.platform);
  let i = 0;
  for (const mod of applicable) {
    i++;
    const writer = new JsonArrayWriter(join(outputDir, `${prefix}${mod.name}.json`));
    const detected = new JsonArrayWriter(join(outputDir, `${prefix}${mod.name}_detected.json`));
    progress(`[${i}/${applicable.length}] ${mod.name}`, true);
    const t0 = performance.now();
    const { coverage: cov, warnings: w } = await runModule(
      mod,
      view,
      iocs,
      {
        record: (r) => writer.write(r),
        event: (e) => timeline.add(e),
        eventFields: (timestamp, module, event, description, detected2) => timeline.addFields(timestamp, module, event, description, detected2),
        detection: (d) => {
          detections.push(d);
          detected.write({ ...typeof d.record === "object" && d.record ? d.record : { value: d.record }, matched_indicator: d.matched_indicator, vigil_detection: { ...d, record: void 0 } });
        }
      },
      progress
    );
    writer.close(cov.status === "checked" || writer.count > 0);
    detected.close(false);
    coverage.push(cov);
    if (w.length) {
      warnings[mod.name] = w;
      cov.warnings = w;
    }
    const ms = Math.round(performance.now() - t0);
    const what = cov.status === "checked" ? `${cov.records} records${cov.detections ? `, ${cov.detections} detections` : ""}` : cov.status === "failed" ? `FAILED: ${cov.reason}` : cov.status.replace("_", " ");
    if (!(prefix && cov.status === "not_applicable")) progress(`[${i}/${applicable.length}] ${mod.name}${prefix ? ` (${prefix.replace(/_$/, "")})` : ""}: ${what} (${ms} ms)`);
  }
  return { coverage, detections, timeline, warnings };
}
export {
  collectModule,
  runModule,
  runModules
};
