// vigil export: Timesketch JSON Lines checked against the rules of Timesketch's JSONL importer
// (timesketch/lib/utils.py read_and_validate_jsonl, version 20231025), and a STIX 2.1 bundle
// validated with Ajv against the OASIS STIX 2.1 JSON schemas (test/fixtures/stix2-schemas).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { exportResults } from "../../../src/report/export.ts";
import { DETECTION_TAG } from "../../../src/report/export-timesketch.ts";
import { uuidv5 } from "../../../src/report/export-stix.ts";
import { gatherReportData } from "../../../src/report/html/data.ts";
import { loadResults, readTimeline } from "../../../src/report/load-results.ts";
import { runVigil } from "../../helpers/evidence.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const tmp = mkdtempSync(join(tmpdir(), "vigil-export-"));
const out = join(tmp, "results");
const STIX_ID = "indicator--4fa1b3c2-7d6e-4f10-9a2b-3c4d5e6f7a8b";

before(async () => {
  const dir = (await buildSyntheticBackup(join(tmp, "backup"), { sms: 3, smsLinkShare: 0, safariVisits: 3, processes: 3, whatsapp: 0, manifestFiles: 3 }, { planted: DEMO_PLANTED })).dir;
  // urlpush.net from a STIX file (its id must be kept), the process from a plain list.
  const stix = {
    type: "bundle",
    id: "bundle--1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
    objects: [
      { type: "malware", spec_version: "2.1", id: "malware--2c3d4e5f-6071-4829-9bac-1d2e3f4a5b6c", created: "2021-07-18T00:00:00.000Z", modified: "2021-07-18T00:00:00.000Z", name: "Pegasus", is_family: true },
      { type: "indicator", spec_version: "2.1", id: STIX_ID, created: "2021-07-18T00:00:00.000Z", modified: "2021-07-18T00:00:00.000Z", pattern: "[domain-name:value = 'urlpush.net']", pattern_type: "stix", valid_from: "2021-07-18T00:00:00Z", indicator_types: ["malicious-activity"] },
      { type: "relationship", spec_version: "2.1", id: "relationship--3d4e5f60-7182-493a-8bcd-2e3f4a5b6c7d", created: "2021-07-18T00:00:00.000Z", modified: "2021-07-18T00:00:00.000Z", relationship_type: "indicates", source_ref: STIX_ID, target_ref: "malware--2c3d4e5f-6071-4829-9bac-1d2e3f4a5b6c" },
    ],
  };
  writeFileSync(join(tmp, "pegasus.stix2"), JSON.stringify(stix));
  writeFileSync(join(tmp, "processes.txt"), "bh\n");
  await runCheck("check-backup", dir, () => openIosBackup(dir), { iocs: [join(tmp, "pegasus.stix2"), join(tmp, "processes.txt")], output: out, quiet: true, printSummary: false, report: false, jobs: "1" });
});

after(() => rmSync(tmp, { recursive: true, force: true }));

async function exported(format: string): Promise<string> {
  const file = join(tmp, `export-${format}`);
  await exportResults(out, format, { out: file });
  return readFileSync(file, "utf8");
}

test("export --format timesketch: every line meets Timesketch's JSONL import rules; detections tagged", async () => {
  const text = await exported("timesketch");
  const lines = text.split("\n").filter(Boolean);
  const timelineRows = readFileSync(join(out, "timeline.csv"), "utf8").split("\r\n").filter(Boolean).length - 1;
  assert.ok(lines.length > timelineRows, `${lines.length} lines for ${timelineRows} events`);
  const tagged: Record<string, unknown>[] = [];
  for (const [i, l] of lines.entries()) {
    const o = JSON.parse(l) as Record<string, unknown>;
    // Timesketch's mandatory fields, and the timestamp it would otherwise compute from datetime.
    for (const f of ["message", "datetime", "timestamp_desc"]) assert.equal(typeof o[f], "string", `line ${i + 1}: ${f}`);
    assert.ok((o.message as string).length > 0 && (o.timestamp_desc as string).length > 0);
    assert.match(o.datetime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    assert.equal(o.timestamp, Date.parse(o.datetime as string) * 1000, "timestamp in microseconds");
    assert.ok(Number.isSafeInteger(o.timestamp));
    assert.equal(typeof o.module, "string");
    if ("tag" in o) {
      assert.ok(Array.isArray(o.tag) && (o.tag as unknown[]).every((t) => typeof t === "string" && t !== ""), "tag: a list of strings");
      tagged.push(o);
    }
  }
  const proc = tagged.find((o) => o.event === "first_usage" && o.indicator === "bh");
  assert.ok(proc, "the process's first use is tagged");
  assert.deepEqual(proc.tag, [DETECTION_TAG, "vigil-grade-strong"]);
  assert.equal(proc.grade, "strong");
  assert.equal(proc.module, "datausage");
  assert.equal(proc.plugin, "Datausage");
  const visit = tagged.find((o) => o.indicator === "urlpush.net" && o.event !== "detection");
  assert.ok(visit && visit.grade === "medium" && visit.ioc_set === "Pegasus");
  const det = lines.map((l) => JSON.parse(l)).filter((o) => o.timestamp_desc === "Detection");
  assert.deepEqual(det.map((o) => o.indicator).sort(), ["bh", "urlpush.net"]);
  assert.ok(!lines.some((l) => !l.includes('"tag"') && l.includes('"grade"')), "a line with a grade is tagged");
});

function stixValidator() {
  const root = resolve(import.meta.dirname, "../../fixtures/stix2-schemas/schemas");
  // The OASIS patterns use escapes JavaScript's unicode mode refuses; formats they name are checked.
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false, logger: false });
  addFormats(ajv);
  for (const d of readdirSync(root)) for (const f of readdirSync(join(root, d))) ajv.addSchema(JSON.parse(readFileSync(join(root, d, f), "utf8")));
  const base = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/";
  const kinds: Record<string, string> = { identity: "sdos", indicator: "sdos", "observed-data": "sdos", sighting: "sros", "domain-name": "observables", software: "observables", file: "observables", url: "observables" };
  return {
    bundle: ajv.getSchema(`${base}common/bundle.json`)!,
    of: (type: string) => (kinds[type] ? ajv.getSchema(`${base}${kinds[type]}/${type}.json`)! : ajv.getSchema(`${base}common/cyber-observable-core.json`)!),
  };
}

test("a timeline.csv of a Vigil folder written before MVT's time form (ISO 8601) gives the same Timesketch lines and report data", async () => {
  const now = readFileSync(join(out, "timeline.csv"), "utf8");
  assert.match(now.split("\r\n")[1], /^"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}",/);
  const old = join(tmp, "results-iso");
  cpSync(out, old, { recursive: true });
  for (const f of ["timeline.csv", "timeline_detected.csv"]) {
    const text = readFileSync(join(out, f), "utf8");
    const iso = text.replace(/^"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})000",/gm, '"$1T$2Z",');
    assert.notEqual(iso, text);
    writeFileSync(join(old, f), iso);
  }
  const oldLines = join(tmp, "export-old");
  await exportResults(old, "timesketch", { out: oldLines });
  assert.equal(readFileSync(oldLines, "utf8"), await exported("timesketch"));
  assert.deepEqual(await gatherReportData(loadResults(old)), await gatherReportData(loadResults(out)));
  const events = [];
  for await (const e of readTimeline(old)) events.push(e);
  const again = [];
  for await (const e of readTimeline(out)) again.push(e);
  assert.ok(events.length > 0);
  assert.deepEqual(events, again);
  assert.match(events[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test("timeline.csv in MVT's own form (microseconds, an empty time) is read as ISO 8601; Timesketch gets ISO", async () => {
  const dir = join(tmp, "mvt-timeline");
  cpSync(out, dir, { recursive: true });
  const rows = ['"UTC Timestamp","Plugin","Event","Description"', '"","Manifest","file_modified","no time"', '"2021-07-02 08:41:12.123456","SMS","sms_received","From: +1555"', '"2021-07-03 00:00:00.000000","SafariHistory","visit","https://example.org/"'];
  writeFileSync(join(dir, "timeline.csv"), rows.join("\r\n") + "\r\n");
  const events = [];
  for await (const e of readTimeline(dir)) events.push(e);
  assert.deepEqual(events.map((e) => e.timestamp), ["2021-07-02T08:41:12.123Z", "2021-07-03T00:00:00.000Z"]);
  const file = join(tmp, "export-mvt");
  await exportResults(dir, "timesketch", { out: file });
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { datetime: string; plugin?: string });
  assert.deepEqual(lines.filter((l) => l.plugin === "SMS").map((l) => l.datetime), ["2021-07-02T08:41:12.123Z"]);
});

test("export --format stix2: a bundle the OASIS STIX 2.1 schemas accept; sightings of the matched indicators (STIX ids kept); no personal content", async () => {
  const text = await exported("stix2");
  const bundle = JSON.parse(text) as { type: string; id: string; objects: Record<string, any>[] };
  const v = stixValidator();
  assert.ok(v.bundle(bundle), JSON.stringify(v.bundle.errors?.slice(0, 5)));
  for (const o of bundle.objects) {
    const check = v.of(o.type);
    assert.ok(check(o), `${o.type}: ${JSON.stringify(check.errors?.slice(0, 3))}`);
  }
  const byType = (t: string) => bundle.objects.filter((o) => o.type === t);
  const sightings = byType("sighting");
  // The validator does reject what STIX 2.1 forbids.
  assert.equal(v.of("sighting")({ ...sightings[0], sighting_of_ref: undefined }), false);
  assert.equal(v.of("observed-data")({ ...byType("observed-data")[0], number_observed: 0 }), false);
  assert.equal(v.bundle({ ...bundle, id: "bundle-x" }), false);
  assert.equal(byType("x-vigil-value")[0]?.value, "bh", "a process name as Vigil's own observable");
  assert.equal(sightings.length, 2);
  const refs = sightings.map((s) => s.sighting_of_ref);
  assert.ok(refs.includes(STIX_ID), "the STIX indicator's own id");
  const made = byType("indicator");
  assert.equal(made.length, 1, "an indicator object only for the plain-list indicator");
  assert.equal(made[0].pattern, "[process:name = 'bh']");
  assert.ok(refs.includes(made[0].id));
  const ids = new Set(bundle.objects.map((o) => o.id));
  const [device] = byType("identity");
  for (const s of sightings) {
    assert.deepEqual(s.where_sighted_refs, [device.id]);
    for (const r of s.observed_data_refs) assert.ok(ids.has(r));
  }
  for (const od of byType("observed-data")) for (const r of od.object_refs) assert.ok(ids.has(r));
  const domain = byType("domain-name")[0];
  assert.equal(domain.value, "urlpush.net");
  // STIX 2.1's deterministic id for a domain-name: UUIDv5 of its value in the STIX namespace.
  assert.equal(domain.id, `domain-name--${uuidv5("00abedb4-aa42-466c-9c01-fed23315a9b7", '{"value":"urlpush.net"}')}`);
  assert.match(device.name, /iPhone12,1/);
  // Nothing of the phone beyond the matched values: no device name, no message, no sender.
  assert.doesNotMatch(text, /Demo iPhone|Your parcel|free247downloads/);
  // The same folder exports the same bundle.
  assert.equal(await exported("stix2"), text);
});

test("vigil export from the command line: usage error for an unknown format; stdout by default", async () => {
  const bad = await runVigil(["export", "--format", "csv", out]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--format csv: expected one of timesketch, stix2/);
  const ok = await runVigil(["export", "--format", "timesketch", out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(ok.stdout.split("\n").filter(Boolean).every((l) => "datetime" in JSON.parse(l)));
  // --timesketch on a check (here the re-check of the folder) writes the same lines beside the results.
  const again = join(tmp, "again");
  const re = await runVigil(["check-iocs", out, "--iocs", join(tmp, "processes.txt"), "-o", again, "--timesketch", "--quiet"]);
  assert.equal(re.status, 10, re.stderr);
  const lines = readFileSync(join(again, "timesketch.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(lines.some((o) => o.indicator === "bh" && o.tag?.includes(DETECTION_TAG)));
});

test("times that are no times in a damaged results folder: the exports pass them over instead of throwing RangeError or writing null", async () => {
  const dir = join(tmp, "bad-times");
  cpSync(out, dir, { recursive: true });
  const alerts = JSON.parse(readFileSync(join(dir, "alerts.json"), "utf8")) as { timestamp?: string; matched_indicator?: unknown }[];
  const hit = alerts.find((a) => a.matched_indicator);
  assert.ok(hit?.timestamp);
  hit.timestamp = "2026-99-99 not a time";
  writeFileSync(join(dir, "alerts.json"), JSON.stringify(alerts));
  const info = JSON.parse(readFileSync(join(dir, "info.json"), "utf8")) as { finished?: string };
  info.finished = "yesterday";
  writeFileSync(join(dir, "info.json"), JSON.stringify(info));
  // Rows of the shape of a time (MVT's, ISO 8601) that hold none.
  const rows = ['"2026-99-99 99:99:99.000000","SMS","sms_received","bad row"', '"2026-13-01T00:00:00.000Z","SMS","sms_received","bad row"'];
  writeFileSync(join(dir, "timeline.csv"), readFileSync(join(out, "timeline.csv"), "utf8") + rows.join("\r\n") + "\r\n");
  const problems: string[] = [];
  for await (const e of readTimeline(dir, "timeline.csv", (m) => problems.push(m))) assert.ok(!Number.isNaN(Date.parse(e.timestamp)), e.timestamp);
  assert.deepEqual(problems, [`${join(dir, "timeline.csv")}: 2 rows without a readable time were skipped`]);

  const file = join(tmp, "bad-times.stix2");
  await exportResults(dir, "stix2", { out: file });
  const bundle = JSON.parse(readFileSync(file, "utf8")) as { objects: Record<string, any>[] };
  const v = stixValidator();
  for (const o of bundle.objects) assert.ok(v.of(o.type)(o), o.type);
  // The check's start stands for its unreadable end.
  const started = new Date(JSON.parse(readFileSync(join(out, "info.json"), "utf8")).started).toISOString();
  assert.deepEqual([...new Set(bundle.objects.filter((o) => "created" in o).map((o) => o.created))], [started]);

  const lines = join(tmp, "bad-times.jsonl");
  await exportResults(dir, "timesketch", { out: lines });
  for (const l of readFileSync(lines, "utf8").split("\n").filter(Boolean)) {
    const o = JSON.parse(l) as { datetime: string; timestamp: number; message: string };
    assert.ok(Number.isSafeInteger(o.timestamp) && o.timestamp === Date.parse(o.datetime) * 1000, l);
    assert.notEqual(o.message, "bad row");
  }
});
