import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT } from "../../../src/core/model.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { loadResults } from "../../../src/report/load-results.ts";
import { buildResultsFolder } from "../../helpers/results-fixture.ts";

/** The weak rules an older Vigil wrote for an outdated iOS and an old patch level. */
const LEGACY = [
  { module: "backup_info", grade: "weak", kind: "heuristic", title: "Outdated iOS 14.3: iOS 26.1 is available", matched: "14.3", rule: { id: "ios-outdated", description: "" }, artifact: "Info.plist" },
  { module: "getprop", grade: "weak", kind: "heuristic", title: "Outdated security patch level: 2021-06-05 (51 months older than the 2025-09-01 bulletin)", matched: "2021-06-05", rule: { id: "android-outdated-security-patch", description: "" }, artifact: "getprop.txt" },
];

test("results of an older Vigil: its outdated-iOS and old-patch rules are read back as exposure, never as signs; re-checked, they do not make exit 10", async () => {
  const dir = await buildResultsFolder({ planted: false });
  const out = mkdtempSync(join(tmpdir(), "vigil-legacy-"));
  try {
    writeFileSync(join(dir, "alerts.json"), JSON.stringify(LEGACY));
    unlinkSync(join(dir, "exposure.json"));
    const r = loadResults(dir);
    assert.deepEqual(r.detections, []);
    assert.deepEqual(
      r.exposure.map((e) => [e.kind, e.title]),
      [
        ["outdated_os", "iOS 14.3 is out of date: iOS 26.1 is available"],
        ["old_security_patch", "Old Android security patch: 2021-06-05, 51 months before the 2025-09-01 bulletin"],
      ],
    );
    writeFileSync(join(out, "domains.txt"), "nothing-here.example\n");
    const re = await checkIocs(dir, { output: join(out, "re"), quiet: true, iocs: [join(out, "domains.txt")] });
    const summary = JSON.parse(readFileSync(join(out, "re", "summary.json"), "utf8"));
    assert.deepEqual(summary.detections, { strong: 0, medium: 0, weak: 0 });
    assert.equal(summary.exposure.length, 2);
    // The fixture backup holds none of what a backup check needs: too little to say, never "worth a look".
    assert.equal(re.exitCode, EXIT.incomplete);
    assert.equal(summary.verdict, "too_little_to_say");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("alerts.json: informational entries are read apart from the detections", async () => {
  const dir = await buildResultsFolder();
  try {
    const alerts = JSON.parse(readFileSync(join(dir, "alerts.json"), "utf8"));
    writeFileSync(join(dir, "alerts.json"), JSON.stringify([...alerts, { module: "global_preferences", level: "INFORMATIONAL", kind: "informational", title: "Lockdown Mode is on", exposure: "lockdown_on" }]));
    const r = loadResults(dir);
    assert.equal(r.detections.length, 1);
    assert.deepEqual(r.informational.map((i) => i.exposure), ["lockdown_on"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
