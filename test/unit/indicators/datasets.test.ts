// Every check records the data sets it used with their dates (info.json), and warns in the
// terminal and the report when one is more than 30 days older than the check.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DatasetInfo, RunInfo } from "../../../src/core/model.ts";
import { BUNDLED_DATASETS, datasetsForCheck } from "../../../src/indicators/datasets.ts";
import { writeHtmlReport } from "../../../src/report/html/index.ts";
import { formatSummary, summarize } from "../../../src/report/summary.ts";
import { translator } from "../../../src/core/i18n/index.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const bundled = (name: keyof typeof BUNDLED_DATASETS) => JSON.parse(readFileSync(BUNDLED_DATASETS[name], "utf8"));

function withEmptyHome<T>(fn: () => T): T {
  const prev = process.env.VIGIL_HOME;
  process.env.VIGIL_HOME = mkdtempSync(join(tmpdir(), "vigil-home-"));
  try {
    return fn();
  } finally {
    if (prev === undefined) delete process.env.VIGIL_HOME;
    else process.env.VIGIL_HOME = prev;
  }
}

test("datasetsForCheck: each data set's date and age at the check; stale after 30 days; files given with --iocs are not judged", () => {
  withEmptyHome(() => {
    const kevDay = bundled("exposure").kev.dateReleased.slice(0, 10);
    const at = (d: string, days: number) => new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000);
    const soon = datasetsForCheck(at(kevDay, 30), { iocs: ["/x/iocs.stix2"] });
    assert.deepEqual(soon.map((d) => [d.name, d.kind]), [["indicators", "given"], ["exposure", "bundled"], ["ios-releases", "bundled"]]);
    const exposure = soon.find((d) => d.name === "exposure")!;
    assert.deepEqual([exposure.date, exposure.age_days, exposure.stale], [kevDay, 30, false]);
    assert.deepEqual(soon[0], { name: "indicators", kind: "given", path: "/x/iocs.stix2", source: "files given with --iocs", stale: false });
    const later = datasetsForCheck(at(kevDay, 31), { iocs: ["/x/iocs.stix2"] }).find((d) => d.name === "exposure")!;
    assert.deepEqual([later.age_days, later.stale], [31, true]);
    // Without --iocs: the bundled indicator snapshot, with its date.
    const snap = datasetsForCheck(at(kevDay, 0))[0]!;
    assert.equal(snap.kind, "bundled");
    assert.match(snap.date ?? "", /^\d{4}-\d\d-\d\d$/);
  });
});

const STALE: DatasetInfo[] = [
  { name: "indicators", kind: "given", path: "x", source: "files given with --iocs", stale: false },
  { name: "exposure", kind: "bundled", path: "y", source: "bundled", date: "2025-08-25", age_days: 469, stale: true, sha256: "ab".repeat(32) },
  { name: "ios-releases", kind: "bundled", path: "z", source: "bundled", date: "2026-12-01", age_days: 6, stale: false },
];

test("the terminal warns about stale data, in the reader's language; nothing when all is current", () => {
  const s = summarize({ detections: [], coverage: [], kind: "ios_backup", exposure: [] });
  assert.match(formatSummary(s, { datasets: STALE }), /^Warning: data older than 30 days at this check \(run "vigil update", or "vigil update --import" offline\): exposure table \(exploited flaws, CISA KEV\) of 2025-08-25, 469 days old$/m);
  assert.match(formatSummary(s, { datasets: STALE, lang: "fr" }), /^Attention : données de plus de 30 jours .*: table d'exposition \(failles exploitées, CISA KEV\) du 2025-08-25 \(il y a 469 jours\)$/m);
  assert.doesNotMatch(formatSummary(s, { datasets: STALE.map((d) => ({ ...d, stale: false })) }), /older than 30 days/);
  assert.doesNotMatch(formatSummary(s, {}), /older than 30 days/);
});

test("the report warns about stale data beside the verdict and lists every data set in its provenance", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-stale-report-"));
  const info = { tool: "vigil", version: "t", command: [], started: "2026-12-07T00:00:00Z", acquisition: { kind: "ios_backup", path: "x", encrypted: false }, inputs: [], iocs: { sets: [], errors: [] }, datasets: STALE } as RunInfo;
  for (const [f, v] of Object.entries({ "info.json": info, "coverage.json": [], "alerts.json": [], "exposure.json": [] })) writeFileSync(join(dir, f), JSON.stringify(v));
  const html = readFileSync(await writeHtmlReport(dir, { lang: "en" }), "utf8");
  const verdict = /<section id="verdict"[^]*?<\/section>/.exec(html)![0];
  assert.match(verdict, /<div class="stale-data">[^]*Data older than 30 days\.[^]*<li data-dataset="exposure">[^]*2025-08-25, 469 days before the check/);
  assert.doesNotMatch(verdict, /data-dataset="ios-releases"/);
  const prov = /<section id="provenance"[^]*?<\/section>/.exec(html)![0];
  assert.equal(prov.match(/<tr data-dataset="/g)?.length, 3);
  assert.match(prov, /<tr data-dataset="exposure" class="stale">/);
  const fr = readFileSync(await writeHtmlReport(dir, { lang: "fr" }), "utf8");
  assert.match(fr, /Données de plus de 30 jours\./);
  assert.equal(translator("fr")("data.kind.given"), "donnée avec --iocs");
});

test("a check records its data sets in info.json and warns exactly when one is stale", () => {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-datasets-check-"));
  const logs = join(tmp, "logs");
  mkdirSync(logs);
  writeFileSync(join(logs, "dns.json"), JSON.stringify({ timestamp: "2026-01-01T00:00:00Z", type: "dns" }) + "\n");
  mkdirSync(join(tmp, "iocs"));
  writeFileSync(join(tmp, "iocs", "domains.txt"), "evil.example\n");
  const out = join(tmp, "out");
  const r = spawnSync(process.execPath, [BIN, "check-intrusion-logs", logs, "--iocs", join(tmp, "iocs"), "-o", out, "--no-report"], { encoding: "utf8", env: { ...process.env, VIGIL_HOME: join(tmp, "home") } });
  assert.ok(r.status === 0 || r.status === 20, r.stderr);
  const info = JSON.parse(readFileSync(join(out, "info.json"), "utf8")) as RunInfo;
  assert.deepEqual(info.datasets!.map((d) => [d.name, d.kind]), [["indicators", "given"], ["exposure", "bundled"], ["ios-releases", "bundled"]]);
  for (const d of info.datasets!.slice(1)) assert.equal(d.stale, d.age_days! > 30, d.name);
  const stale = info.datasets!.filter((d) => d.stale);
  if (stale.length) assert.match(r.stdout, /^Warning: data older than 30 days at this check/m);
  else assert.doesNotMatch(r.stdout, /older than 30 days/);
});
