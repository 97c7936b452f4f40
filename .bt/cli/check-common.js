import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { describeError, VigilError } from "../core/errors.js";
import { EXIT } from "../core/model.js";
import { loadIndicatorsForRun } from "../indicators/for-run.js";
import { allModules, modulesFor } from "../modules/registry.js";
import { pickLanguage } from "../report/i18n/index.js";
import { writeHtmlReport } from "../report/html/index.js";
import { writeResults } from "../report/results.js";
import { formatSummary } from "../report/summary.js";
import { TimelineStore } from "../report/timeline-store.js";
import { runModules } from "../run.js";
import { VERSION } from "../version.js";
const collect = (v, prev = []) => [...prev, v];
function addCheckOptions(cmd) {
  return cmd.option("-i, --iocs <path>", "indicator file or folder (repeatable); default: the newest indicator snapshot", collect).option("-o, --output <dir>", "results folder (default: ./vigil-results/<kind>-<time>)").option("-m, --module <name>", "run only this module (repeatable)", collect).option("--json", "print the summary as JSON on stdout").option("--lang <code>", "report language (en, fr); default: from the system locale").option("--no-report", "do not write report.html").option("-q, --quiet", "no progress on stderr");
}
function makeProgress(quiet) {
  const tty = process.stderr.isTTY;
  let transientShown = false;
  return (line, transient) => {
    if (quiet) return;
    if (transient) {
      if (!tty) return;
      process.stderr.write(`\r\x1B[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      transientShown = true;
      return;
    }
    if (transientShown) process.stderr.write("\r\x1B[K");
    transientShown = false;
    process.stderr.write(line + "\n");
  };
}
function defaultOutputDir(kind) {
  const stamp = (/* @__PURE__ */ new Date()).toISOString().replace(/[:]/g, "").replace(/\..*$/, "");
  return resolve("vigil-results", `${kind}-${stamp}`);
}
function checkOutputDir(out, inputs) {
  const real = (p) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const o = real(out);
  for (const input of inputs) {
    const i = real(input);
    if (o === i || o.startsWith(i + sep)) throw new VigilError("the results folder must not be inside the evidence", { file: out, code: "usage" });
  }
  let up = resolve(out);
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory()) throw new VigilError("not a folder", { file: up, code: "usage" });
  if (existsSync(out) && readdirSync(out).some((f) => f === "info.json")) {
    throw new VigilError("results folder already holds a previous run; choose another --output", { file: out, code: "usage" });
  }
}
function makeOutputDir(out, mode) {
  const missing = [];
  for (let d = resolve(out); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, mode);
    } catch (e) {
      throw new VigilError(`cannot create the folder (${e.code ?? describeError(e)})`, { file: out, code: "usage" });
    }
  }
}
async function runCheck(kind, inputPath, open, opts, extra = {}) {
  const progress = makeProgress(opts.quiet || opts.json);
  const started = (/* @__PURE__ */ new Date()).toISOString();
  const outputDir = resolve(opts.output ?? defaultOutputDir(kind));
  checkOutputDir(outputDir, [inputPath]);
  checkOptions(opts);
  const opened = await open();
  const views = Array.isArray(opened) ? opened : [{ view: opened, prefix: "" }];
  const main = views[0].view;
  progress(`Checking ${main.kind.replace(/_/g, " ")} ${main.root}${main.encrypted ? " (encrypted)" : ""}`);
  let loaded;
  try {
    loaded = extra.iocs ? { matcher: extra.iocs, sets: extra.iocs.sets, problems: [], snapshot: void 0 } : await loadIndicatorsForRun(opts.iocs);
  } catch (e) {
    for (const { view } of views) await view.close();
    throw e;
  }
  for (const p of loaded.problems.slice(0, 20)) progress(`indicators: ${p}`);
  if (loaded.problems.length > 20) progress(`indicators: ... ${loaded.problems.length - 20} more problems (see info.json)`);
  progress(`Indicators: ${loaded.sets.length} sets, ${loaded.matcher.count()} indicators${loaded.snapshot ? ` (${loaded.snapshot})` : ""}`);
  if (opts.iocs?.length && loaded.matcher.count() === 0) {
    for (const { view } of views) await view.close();
    throw new VigilError("no indicators could be loaded from the files given with --iocs", { file: opts.iocs.join(", "), code: "input" });
  }
  if (opts.module?.length && !modulesFor(main.platform).some((m) => opts.module.includes(m.name))) {
    for (const { view } of views) await view.close();
    throw new VigilError(`--module ${opts.module.join(", ")}: no such module for an ${main.platform} acquisition (see "vigil modules")`, { code: "usage" });
  }
  makeOutputDir(outputDir);
  const timeline = new TimelineStore();
  const coverage = [];
  const detections = [];
  const warnings = {};
  try {
    const perView = [];
    for (const { view, prefix } of views) {
      let modules = modulesFor(view.platform);
      if (opts.module?.length) modules = modules.filter((m) => opts.module.includes(m.name));
      const run = await runModules({ view, modules, iocs: loaded.matcher, outputDir, progress, timeline, prefix });
      perView.push({ prefix: prefix ?? "", coverage: run.coverage });
      detections.push(...run.detections);
    }
    for (const c of mergeCoverage(perView)) {
      coverage.push(c);
      if (c.warnings?.length) warnings[c.module] = c.warnings;
    }
    for (const { view, prefix } of views) {
      const refused = view.refused?.() ?? [];
      if (refused.length) {
        coverage.push({
          module: `${prefix ?? ""}unsafe_archive_entries`,
          title: "Unsafe archive entries (refused, never read)",
          status: "failed",
          reason: `${view.root}: ${refused.length} unsafe entr${refused.length === 1 ? "y" : "ies"} refused, e.g. ${JSON.stringify(refused[0].entry)}: ${refused[0].reason}`,
          warnings: refused.slice(0, 50).map((r) => `${JSON.stringify(r.entry)}: ${r.reason}`)
        });
      }
    }
    for (const { view } of views) await view.settled?.();
    const info = {
      tool: "vigil",
      version: VERSION,
      command: process.argv.slice(2),
      started,
      finished: (/* @__PURE__ */ new Date()).toISOString(),
      acquisition: { kind: main.kind, path: resolve(inputPath), encrypted: main.encrypted },
      device: main.device,
      inputs: views.flatMap((v) => v.view.inputsRead()),
      iocs: { snapshot: loaded.snapshot, sets: loaded.sets, errors: loaded.problems },
      lang: opts.lang
    };
    const written = writeResults(outputDir, { coverage, detections, timeline, warnings }, info);
    let reportPath;
    if (opts.report !== false) {
      try {
        reportPath = await writeHtmlReport(outputDir, { lang: opts.lang, data: written.reportData });
      } catch (e) {
        progress(`report.html could not be written: ${describeError(e)}`);
      }
    }
    if (opts.json) {
      process.stdout.write(JSON.stringify({ ...written.summary, report: reportPath }, null, 2) + "\n");
    } else {
      process.stdout.write(formatSummary(written.summary, { reportPath, topDetections: written.detections }) + "\n");
    }
    return { exitCode: written.summary.exitCode, outputDir, detections: written.detections, coverage };
  } finally {
    timeline.close();
    for (const { view } of views) await view.close();
  }
}
function checkOptions(opts) {
  if (opts.lang !== void 0) pickLanguage(opts.lang);
  const unknown = (opts.module ?? []).filter((n) => !allModules.some((m) => m.name === n));
  if (unknown.length) throw new VigilError(`unknown module ${unknown.map((n) => JSON.stringify(n)).join(", ")} (see "vigil modules")`, { code: "usage" });
  const missing = (opts.iocs ?? []).filter((p) => p.trim() !== "" && !existsSync(p));
  if (missing.length) throw new VigilError("--iocs: no such file or folder", { file: missing.join(", "), code: "usage" });
}
function mergeCoverage(perView) {
  const relevant = /* @__PURE__ */ new Map();
  for (const { coverage } of perView) for (const c of coverage) if (c.status !== "not_applicable") relevant.set(c.module, (relevant.get(c.module) ?? 0) + 1);
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const { prefix, coverage } of perView) {
    for (const c of coverage) {
      const n = relevant.get(c.module) ?? 0;
      if (c.status === "not_applicable") {
        if (n > 0 || seen.has(c.module)) continue;
        seen.add(c.module);
        out.push(c);
        continue;
      }
      out.push(n > 1 && prefix ? { ...c, module: `${prefix}${c.module}` } : c);
    }
  }
  return out;
}
function action(fn) {
  return async (...args) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (e) {
      if (process.env.VIGIL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}
`);
      process.stderr.write(`vigil: error: ${describeError(e)}
`);
      process.exitCode = e instanceof VigilError && e.code === "usage" ? EXIT.usage : EXIT.error;
    }
  };
}
export {
  action,
  addCheckOptions,
  makeOutputDir,
  makeProgress,
  mergeCoverage,
  runCheck
};
