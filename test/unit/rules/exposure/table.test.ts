// The bundled table (data/exposure/exploited.json) loads without the shared corpus and holds
// the flaws the project documents by hand, with their checked fixed versions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExposureTable, parseExposureTable } from "../../../../src/rules/exposure/table.ts";
import { evaluateExposure } from "../../../../src/rules/exposure/evaluate.ts";
import { VigilError } from "../../../../src/core/errors.ts";
import type { ExposureEntry, Fix } from "../../../../src/rules/exposure/model.ts";

const table = loadExposureTable();
const byId = new Map(table.entries.map((e) => [e.id, e]));
const fixes = (id: string): string[] =>
  byId.get(id)!.fixed.map((f: Fix) => ("app" in f ? `${f.os}${f.edition ? "-business" : ""} ${f.version}` : f.os === "ios" ? `${f.version}${f.rsr ? `(${f.rsr})` : ""}${f.ipad_only ? " iPad" : ""}` : f.patch_level));

test("the bundled table comes from a KEV catalog and the curated file, and each entry is well formed", () => {
  assert.match(table.kev!.catalogVersion, /^\d{4}\.\d{2}\.\d{2}$/);
  assert.equal(table.kev!.license, "CC0 1.0 (CISA)");
  assert.ok(table.entries.length > 150);
  for (const e of table.entries as ExposureEntry[]) {
    assert.ok(e.platforms.length > 0, e.id);
    assert.match(e.known_exploited, /^\d{4}-\d{2}-\d{2}$/, e.id);
    assert.ok(e.fixed.length > 0 || e.no_fix_recorded, `${e.id} says why it has no fix`);
    for (const f of e.fixed) if (f.verified) assert.ok(f.source, `${e.id}: a verified fix names its source`);
    for (const f of e.fixed) if (!f.verified) assert.ok(f.note || ("derived" in f && f.derived) || f.source, `${e.id}: an unverified fix says where it comes from`);
    assert.ok(e.sources.length > 0, e.id);
  }
});

test("the spyware-campaign flaws carry their checked fixed versions and campaigns", () => {
  assert.deepEqual(fixes("CVE-2021-30860"), ["14.8", "12.5.5"]);
  assert.deepEqual(fixes("CVE-2023-41064"), ["16.6.1", "15.7.9"]);
  assert.deepEqual(fixes("CVE-2023-41061"), ["16.6.1"]);
  assert.deepEqual(fixes("CVE-2023-32434"), ["16.5.1", "15.7.7"]);
  assert.deepEqual(fixes("CVE-2023-32435"), ["16.4", "15.7.7"]);
  assert.deepEqual(fixes("CVE-2023-38606"), ["16.6", "15.7.8"]);
  assert.deepEqual(fixes("CVE-2023-41990"), ["16.3", "15.7.8"]);
  assert.deepEqual(fixes("CVE-2023-41993"), ["16.7", "17.0.1"]);
  assert.deepEqual(fixes("CVE-2025-43200"), ["18.3.1", "17.7.5 iPad", "16.7.11", "15.8.4"]);
  assert.deepEqual(fixes("CVE-2025-43300"), ["18.6.2", "17.7.10 iPad"]);
  assert.deepEqual(fixes("CVE-2025-55177"), ["ios 2.25.21.73", "ios-business 2.25.21.78"]);
  assert.deepEqual(fixes("CVE-2019-3568"), ["ios 2.19.51", "ios-business 2.19.51", "android 2.19.134", "android-business 2.19.44"]);
  assert.deepEqual(fixes("CVE-2025-21042"), ["2025-04-01"]);
  assert.deepEqual(fixes("CVE-2025-21043"), ["2025-09-01"]);
  assert.deepEqual(fixes("KISMET-2020"), ["14.0"]);
  assert.equal(byId.get("KISMET-2020")!.cve, undefined);
  for (const id of ["CVE-2021-30860", "CVE-2023-41064", "CVE-2023-32434", "CVE-2023-41992", "CVE-2025-43200", "CVE-2025-21042", "CVE-2019-3568"]) {
    assert.ok(byId.get(id)!.campaigns.length > 0, id);
  }
  assert.equal(byId.get("CVE-2023-41992")!.fixed[1]!.verified, false, "17.0.1 is named by KEV's link, not by the CVE record");
});

test("the bundled table answers a phone's versions without the corpus", () => {
  const r = evaluateExposure(table, { device: { platform: "ios", iosDevice: "iphone" }, observations: [{ kind: "ios", version: "16.6", to: "2023-09-10" }] });
  const ids = r.windows.map((w) => w.id);
  assert.ok(ids.includes("CVE-2023-41064"), "BLASTPASS: 16.6 is below 16.6.1");
  assert.ok(!ids.includes("CVE-2023-32434"), "Triangulation's kernel flaw is fixed in 16.5.1");
  assert.ok(!ids.includes("CVE-2023-41992"), "Predator's chain was not yet public on 2023-09-10");
});

test("a damaged table is a one-line error naming the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "exposure-"));
  const f = join(dir, "exploited.json");
  writeFileSync(f, "{ not json");
  assert.throws(() => loadExposureTable(f), (e: unknown) => e instanceof VigilError && e.file === f && /not valid JSON/.test(e.message));
  assert.throws(() => parseExposureTable(JSON.stringify({ built: "x", entries: [{ id: "A" }] }), "t.json"), /entry A lacks/);
  assert.throws(() => loadExposureTable(join(dir, "missing.json")), /cannot be read \(ENOENT\)/);
});
