// A check's results folder re-checked with check-iocs: the same indicator detections (module,
// grade, value, time), MVT-shaped alerts.json read back into Vigil's model, and a report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSyntheticBackup, DEMO_PLANTED } from "../../../src/demo/demo-backup.ts";
import { openIosBackup } from "../../../src/acquisitions/ios-backup/open.ts";
import { runCheck } from "../../../src/pipeline/check.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { loadResults } from "../../../src/report/load-results.ts";

test("check-iocs on Vigil's own folder: same indicator detections, grades and times; MVT's alert fields; report.html", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "vigil-roundtrip-"));
  try {
    const dir = (await buildSyntheticBackup(join(tmp, "backup"), { sms: 3, smsLinkShare: 0, safariVisits: 3, processes: 3, whatsapp: 0, manifestFiles: 3 }, { planted: DEMO_PLANTED })).dir;
    writeFileSync(join(tmp, "domains.txt"), "free247downloads.com\nurlpush.net\n");
    writeFileSync(join(tmp, "processes.txt"), "bh\nroleaboutd\n");
    const lists = [join(tmp, "domains.txt"), join(tmp, "processes.txt")];
    const out = join(tmp, "results");
    const first = await runCheck("check-backup", dir, () => openIosBackup(dir), { iocs: lists, output: out, quiet: true, printSummary: false, report: false, jobs: "1" });
    const alerts = JSON.parse(readFileSync(join(out, "alerts.json"), "utf8")) as Record<string, unknown>[];
    const proc = alerts.find((a) => a.matched === "bh" && a.vigil_module === "datausage")!;
    assert.ok(proc, JSON.stringify(alerts.map((a) => [a.vigil_module, a.matched])));
    assert.equal(proc.level, "CRITICAL");
    assert.equal(proc.module, "datausage");
    assert.equal(proc.message, proc.title);
    assert.equal(proc.event_time, "2021-07-02 08:44:00.000000");
    assert.equal((proc.event as { proc_name?: string }).proc_name, "bh");
    assert.ok(!("record" in proc), "the record is MVT's event, not written twice");
    // Read back: Vigil's model, record included.
    const loaded = loadResults(out);
    assert.equal(loaded.detections.length, first.detections.length);
    assert.deepEqual(loaded.detections.find((d) => d.matched === "bh" && d.module === "datausage")?.record, proc.event);
    assert.ok(existsSync(join(out, "alerts_timeline.csv")));
    // MVT's info.json fields beside Vigil's.
    const info = JSON.parse(readFileSync(join(out, "info.json"), "utf8"));
    assert.equal(info.target_path, dir);
    assert.match(info.date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.deepEqual(info.ioc_files, lists);
    assert.ok(info.hashes.length > 0, JSON.stringify(info.hashes));
    assert.ok(info.hashes.every((h: { file_path: string; sha256: string }) => h.file_path.startsWith(dir) && /^[0-9a-f]{64}$/.test(h.sha256)), JSON.stringify(info.hashes[0]));

    const key = (d: { module: string; grade: string; matched: string; timestamp?: string; kind: string }) => `${d.module}|${d.grade}|${d.matched}|${d.timestamp ?? ""}`;
    const again = join(tmp, "again");
    await checkIocs(out, { iocs: lists, output: again, quiet: true }, new Date("2026-01-01T00:00:00Z"));
    const re = loadResults(again);
    const want = new Set(first.detections.filter((d) => d.kind === "indicator").map(key));
    const got = new Set(re.detections.filter((d) => d.kind === "indicator").map(key));
    for (const k of want) assert.ok(got.has(k), `${k} found again; got ${[...got].join(", ")}`);
    assert.ok(existsSync(join(again, "report.html")));
    assert.equal(readFileSync(join(again, "timeline.csv"), "utf8"), readFileSync(join(out, "timeline.csv"), "utf8"));

    // A folder of an older Vigil, whose timelines hold ISO 8601 times: the re-check writes them
    // in MVT's form, the rows and their order unchanged.
    const old = join(tmp, "old");
    cpSync(out, old, { recursive: true });
    for (const f of ["timeline.csv", "timeline_detected.csv"]) {
      writeFileSync(join(old, f), readFileSync(join(out, f), "utf8").replace(/^"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})000",/gm, '"$1T$2Z",'));
    }
    assert.match(readFileSync(join(old, "timeline.csv"), "utf8").split("\r\n")[1], /^"\d{4}-\d\d-\d\dT/);
    const fromOld = join(tmp, "from-old");
    await checkIocs(old, { iocs: lists, output: fromOld, quiet: true }, new Date("2026-01-01T00:00:00Z"));
    for (const f of ["timeline.csv", "timeline_detected.csv"]) assert.equal(readFileSync(join(fromOld, f), "utf8"), readFileSync(join(out, f), "utf8"), f);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
