import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { matcherFromValues } from "../../../src/indicators/matcher.ts";
import { recheckRecord, recheckResults } from "../../../src/indicators/recheck.ts";
import { checkIocs } from "../../../src/pipeline/check-iocs.ts";
import { moduleOfSlug } from "../../../src/modules/mvt-names.ts";
import { EXIT } from "../../../src/core/model.ts";
import { execFileSync, spawnSync } from "node:child_process";
import { VIGIL_BIN } from "../../helpers/evidence.ts";

const iocs = matcherFromValues(
  {
    domain: ["evil.com"],
    process: ["roleaccountd", "com.apple.Launcher"],
    app_id: ["com.evil.spy"],
    file_path: ["/private/var/db/com.apple.xpc.roleaccountd.staging"],
    email: ["bad@evil.org"],
    app_cert_hash: ["c".repeat(64)],
    android_property: ["persist.evil"],
    configuration_profile: ["76DAB334-7E17-475D-A5D6-0794EB5818A5"],
  },
  "Pegasus",
);

function hashDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isFile()) out[n] = createHash("sha256").update(readFileSync(p)).digest("hex");
  }
  return out;
}

test("recheckRecord: field names map to the right checks and grades; other strings are scanned as text", () => {
  const one = (module: string, record: unknown) => recheckRecord(iocs, module, record, `${module}.json`).map((d) => [d.grade, d.matched_indicator!.type, d.matched]);
  assert.deepEqual(one("safari_history", { url: "https://a.evil.com/x", isodate: "2021-01-01 00:00:00" }), [["medium", "domain", "a.evil.com"]]);
  assert.deepEqual(one("sms", { text: "hi", links: ["https://evil.com/p"] }), [["weak", "domain", "evil.com"]]);
  assert.deepEqual(one("datausage", { proc_name: "roleaccountd", bundle_id: "com.evil.spy" }), [
    ["strong", "process", "roleaccountd"],
    ["strong", "app_id", "com.evil.spy"],
  ]);
  assert.deepEqual(one("datausage", { proc_name: "com.apple.Launc" }), [["medium", "process", "com.apple.Launc"]], "truncated names drop a grade");
  assert.deepEqual(one("manifest", { relative_path: "private/var/db/com.apple.xpc.roleaccountd.staging/x", domain: "evil.com" }), [
    ["strong", "file_path", "private/var/db/com.apple.xpc.roleaccountd.staging/x"],
  ]);
  assert.deepEqual(one("whatsapp", { handle: "Bad@Evil.org" }), [["weak", "email", "bad@evil.org"]]);
  assert.deepEqual(one("packages", { name: "com.evil.spy", files: [{ certificate: { sha256: "C".repeat(64) } }] }), [
    ["strong", "app_id", "com.evil.spy"],
    ["strong", "app_cert_hash", "c".repeat(64)],
  ]);
  assert.deepEqual(one("getprop", { name: "persist.evil", value: "1" }), [["strong", "android_property", "persist.evil"]]);
  assert.deepEqual(one("configuration_profiles", { plist: { PayloadUUID: "76DAB334-7E17-475D-A5D6-0794EB5818A5" } }), [["strong", "configuration_profile", "76DAB334-7E17-475D-A5D6-0794EB5818A5"]]);
  assert.deepEqual(one("os_analytics_ad_daily", { package: "com.evil.spy" }), [["strong", "app_id", "com.evil.spy"]]);
  assert.deepEqual(one("unknown_module", { weird_field: "see www.evil.com/now" }), [["weak", "domain", "www.evil.com"]]);
  assert.deepEqual(one("shutdownlog", { client: "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd", pid: 12 }), [
    ["strong", "file_path", "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd"],
    ["strong", "process", "roleaccountd"],
  ]);
  assert.deepEqual(one("applications", { softwareVersionBundleId: "com.evil.spy" }), [["strong", "app_id", "com.evil.spy"]]);
  // Must not flag
  assert.deepEqual(one("safari_history", { url: "https://notevil.com/evil.com" }), []);
  assert.deepEqual(one("datausage", { proc_name: "roleaccount" }), []);
  assert.deepEqual(one("manifest", { domain: "evil.com" }), [], "the backup domain field is not a host");
  assert.deepEqual(one("sms", { isodate: "evil.com", guid: "evil.com" }), []);
  assert.deepEqual(one("getprop", { name: "persist.good", value: "persist.evil" }), []);
});

test("check-iocs re-checks an MVT results folder without touching it, and writes detections elsewhere", async () => {
  const results = mkdtempSync(join(tmpdir(), "vigil-mvt-results-"));
  const out = mkdtempSync(join(tmpdir(), "vigil-out-"));
  try {
    writeFileSync(join(results, "safari_history.json"), JSON.stringify([{ url: "https://x.evil.com/a", isodate: "2021-07-01 10:00:00.000000" }, { url: "https://good.org/" }]));
    writeFileSync(join(results, "datausage.json"), JSON.stringify([{ proc_name: "roleaccountd", bundle_id: "" }]));
    writeFileSync(join(results, "sms.json"), JSON.stringify([{ text: "nothing here" }]));
    writeFileSync(join(results, "broken.json"), "{");
    writeFileSync(join(results, "safari_history_detected.json"), "[]");
    writeFileSync(join(results, "timeline.csv"), "x");
    const before = hashDir(results);

    const direct = recheckResults(results, iocs);
    assert.equal(direct.producer, "mvt");
    assert.deepEqual(direct.modules.map((m) => m.module), ["broken", "datausage", "safari_history", "sms"]);

    writeFileSync(join(out, "processes.txt"), "roleaccountd\n");
    writeFileSync(join(out, "domains.txt"), "evil.com\n");
    const r = await checkIocs(results, { output: join(out, "re"), quiet: true, iocs: [join(out, "processes.txt"), join(out, "domains.txt")] }, new Date("2026-01-01T00:00:00Z"));
    assert.deepEqual(hashDir(results), before, "input folder unchanged");
    assert.ok(existsSync(join(out, "re", "alerts.json")));
    const alerts = JSON.parse(readFileSync(join(out, "re", "alerts.json"), "utf8"));
    assert.ok(alerts.some((a: { module: string; matched: string }) => a.module === "datausage" && a.matched === "roleaccountd"));
    assert.ok(existsSync(join(out, "re", "datausage_detected.json")));
    assert.ok(!existsSync(join(out, "re", "sms_detected.json")));
    const coverage = JSON.parse(readFileSync(join(out, "re", "coverage.json"), "utf8"));
    assert.equal(coverage.find((c: { module: string }) => c.module === "broken").status, "failed");
    assert.equal(r.exitCode, EXIT.detections);
    const info = JSON.parse(readFileSync(join(out, "re", "info.json"), "utf8"));
    assert.equal(info.acquisition.kind, "mvt_results");
    assert.ok(info.iocs.sets.length > 0);
    assert.equal(info.inputs.length, 4);
    assert.equal(alerts.filter((a: { module: string }) => a.module === "safari_history").length, 1);
    await assert.rejects(checkIocs(results, { output: join(out, "re"), quiet: true }), /already holds/);
    await assert.rejects(checkIocs(join(results, "nope"), { quiet: true }), /not a results folder/);
  } finally {
    rmSync(results, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("check-iocs default output is a new subfolder; a clean folder exits 0 (or 20 when a file is unreadable)", async () => {
  const results = mkdtempSync(join(tmpdir(), "vigil-results-"));
  const list = join(tmpdir(), `vigil-domains-${process.pid}`, "domains.txt");
  try {
    mkdirSync(join(list, ".."), { recursive: true });
    writeFileSync(list, "evil.com\n");
    writeFileSync(join(results, "info.json"), JSON.stringify({ tool: "vigil" }));
    writeFileSync(join(results, "coverage.json"), JSON.stringify([{ module: "chrome_history", title: "Chrome history", status: "checked", records: 1 }]));
    writeFileSync(join(results, "chrome_history.json"), JSON.stringify([{ url: "https://example.org/" }]));
    const r = await checkIocs(results, { quiet: true, iocs: [list] }, new Date("2026-01-02T03:04:05Z"));
    assert.equal(r.outputDir, join(results, "check-iocs-2026-01-02T030405"));
    assert.equal(r.exitCode, EXIT.nothingFound);
    writeFileSync(join(results, "bad.json"), "[");
    const r2 = await checkIocs(results, { quiet: true, iocs: [list], output: join(results, "again") });
    assert.equal(r2.exitCode, EXIT.incomplete);
  } finally {
    rmSync(results, { recursive: true, force: true });
    rmSync(join(list, ".."), { recursive: true, force: true });
  }
});

test("check-iocs reads MVT's file slugs as the modules they stand for; TCC clients match as processes too", async () => {
  const results = mkdtempSync(join(tmpdir(), "vigil-mvt-slugs-"));
  const out = mkdtempSync(join(tmpdir(), "vigil-out-"));
  try {
    writeFileSync(join(results, "aqf_get_prop.json"), JSON.stringify([{ name: "persist.evil", value: "1" }, { name: "persist.good", value: "persist.evil" }]));
    writeFileSync(join(results, "aqf_packages.json"), JSON.stringify([{ name: "com.evil.spy", files: [] }]));
    writeFileSync(join(results, "tcc.json"), JSON.stringify([
      { service: "kTCCServiceMicrophone", client: "roleaccountd", client_type: "bundle_id", last_modified: "2021-07-01 10:00:00.000000" },
      { service: "kTCCServiceCamera", client: "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd", client_type: "absolute_path" },
    ]));
    const r = recheckResults(results, iocs, moduleOfSlug);
    const got = r.detections.map((d) => [d.module, d.grade, d.matched_indicator!.type, d.matched]);
    assert.deepEqual(got, [
      ["getprop", "strong", "android_property", "persist.evil"],
      ["packages", "strong", "app_id", "com.evil.spy"],
      ["tcc", "strong", "process", "roleaccountd"],
      ["tcc", "strong", "file_path", "/private/var/db/com.apple.xpc.roleaccountd.staging/roleaccountd"],
      ["tcc", "strong", "process", "roleaccountd"],
    ]);
    assert.deepEqual(r.detections.map((d) => d.artifact), ["aqf_get_prop.json", "aqf_packages.json", "tcc.json", "tcc.json", "tcc.json"]);
  } finally {
    rmSync(results, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("check-iocs and vigil report on a results folder whose info.json, coverage.json or timeline.csv is a FIFO: named as not a regular file, never a wait for ever", () => {
  const results = mkdtempSync(join(tmpdir(), "vigil-fifo-results-"));
  const out = mkdtempSync(join(tmpdir(), "vigil-fifo-out-"));
  const env = { ...process.env, VIGIL_BACKUP_PASSWORD: "", VIGIL_AGE_PASSPHRASE: "" };
  // Opening a FIFO blocks until something writes to it; a run still blocked after a minute is killed (status null).
  const vigil = (args: string[]) => spawnSync(process.execPath, [VIGIL_BIN, ...args], { encoding: "utf8", env, timeout: 60_000 });
  try {
    writeFileSync(join(results, "safari_history.json"), JSON.stringify([{ url: "https://x.evil.com/a" }]));
    writeFileSync(join(out, "domains.txt"), "evil.com\n");
    execFileSync("mkfifo", [join(results, "info.json")]);
    const a = vigil(["check-iocs", results, "--iocs", join(out, "domains.txt"), "-o", join(out, "a"), "--json"]);
    assert.equal(a.status, EXIT.detections, a.stderr);
    assert.match(a.stdout, /info\.json: not a regular file/);
    rmSync(join(results, "info.json"));
    writeFileSync(join(results, "alerts.json"), "[]");
    execFileSync("mkfifo", [join(results, "coverage.json")]);
    execFileSync("mkfifo", [join(results, "timeline.csv")]);
    const b = vigil(["check-iocs", results, "--iocs", join(out, "domains.txt"), "-o", join(out, "b")]);
    assert.notEqual(b.status, null, "not killed");
    assert.match(b.stderr, /(coverage\.json|timeline\.csv): not a regular file/);
    const c = vigil(["report", results]);
    assert.notEqual(c.status, null, "not killed");
    assert.match(c.stderr, /coverage\.json: not a regular file/);
  } finally {
    rmSync(results, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
