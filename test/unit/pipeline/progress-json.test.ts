import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { progressEvent, progressMode } from "../../../src/pipeline/progress.ts";
import { runVigil } from "../../helpers/evidence.ts";

test("progress events: a module step names its module and place; other lines are messages", () => {
  const t = new Date("2026-01-01T00:00:00Z");
  assert.deepEqual(progressEvent("[19/47] sms: 3001 records, 1 detections (478 ms)", false, t), { event: "module", time: "2026-01-01T00:00:00.000Z", message: "[19/47] sms: 3001 records, 1 detections (478 ms)", module: "sms", index: 19, total: 47, done: true });
  assert.deepEqual(progressEvent("[3/47] datausage (part 1/2)", false, t), { event: "module", time: "2026-01-01T00:00:00.000Z", message: "[3/47] datausage (part 1/2)", module: "datausage", index: 3, total: 47, done: false });
  assert.equal(progressEvent("sms: 65,536", true, t).event, "count");
  assert.equal(progressEvent("Checking ios backup /x", false, t).event, "message");
  assert.throws(() => progressMode("xml"), /--progress xml: expected text or json/);
});

test("--progress json: every stderr line of a run is a JSON event, beside --json's summary on stdout", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-progress-json-"));
  try {
    mkdirSync(join(dir, "mvt"));
    writeFileSync(join(dir, "mvt", "safari_history.json"), JSON.stringify([{ url: "https://x.evil.example/a", isodate: "2021-07-01 10:00:00.000000" }]));
    writeFileSync(join(dir, "domains.txt"), "evil.example\n");
    const r = await runVigil(["check-iocs", join(dir, "mvt"), "--iocs", join(dir, "domains.txt"), "-o", join(dir, "out"), "--json", "--progress", "json"]);
    assert.equal(r.status, 10, r.stderr);
    assert.equal(JSON.parse(r.stdout).verdict, "traces_found");
    const events = r.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l) as { event: string; time: string; message: string });
    assert.ok(events.length >= 3);
    for (const e of events) {
      assert.ok(["message", "module", "count"].includes(e.event));
      assert.ok(!Number.isNaN(Date.parse(e.time)));
    }
    assert.ok(events.some((e) => /safari_history/.test(e.message)));
    const bad = await runVigil(["check-iocs", join(dir, "mvt"), "--progress", "xml", "-o", join(dir, "out2")]);
    assert.equal(bad.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
