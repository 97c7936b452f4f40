// End to end through the `vigil` command for the Android acquisitions: an androidqf bundle with
// a nested encrypted backup, an age-encrypted bundle, a bugreport zip, intrusion logs; exit
// codes, one-line errors, the nested backup's coverage, evidence unchanged.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { testDir, writeTemp } from "../../helpers/archive-builder.ts";
import { ageEncrypt, androidqfFiles, bugreportFiles, buildAb, SMS_BACKUP_PATH, writeFolder, zipOf } from "../../helpers/android-builder.ts";
import { hashTree } from "../../helpers/evidence.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const dir = testDir("vigil-android-cli");
const iocs = join(dir, "iocs");
let bundle: string;

function vigil(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args, "--iocs", iocs, "--json", "--no-report"], {
    encoding: "utf8",
    env: { ...process.env, VIGIL_BACKUP_PASSWORD: "", VIGIL_AGE_PASSPHRASE: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const json = (p: string) => JSON.parse(readFileSync(p, "utf8"));

before(async () => {
  writeFolder(iocs, { "processes.txt": "bh\n", "domains.txt": "evil-c2.example\n" });
  const sms = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "open https://evil-c2.example/x now", date: "1700000000000", type: "1", read: "1" }])));
  const files = androidqfFiles({
    "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 100 10 0 0 S init\nu0_a1 4242 1 100 10 0 0 S bh\n",
    "backup.ab": await buildAb([{ name: SMS_BACKUP_PATH, data: sms }], { password: "abpw" }),
  });
  bundle = writeFolder(join(dir, "bundle"), files);
});

test("check-androidqf: planted process found (exit 10), nested backup checked with --backup-password, evidence unchanged", () => {
  const before = hashTree(bundle);
  const out = join(dir, "out-aqf");
  const r = vigil(["check-androidqf", bundle, "--backup-password", "abpw", "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  const alerts = json(join(out, "alerts.json")) as { module: string; matched: string }[];
  const seen = new Set(alerts.map((a) => `${a.module}:${a.matched}`));
  // MVT's module name (its file's slug) leads; Vigil's module is beside it.
  assert.ok(seen.has("aqf_processes:bh"), [...seen].join(", "));
  assert.ok(alerts.some((a) => (a as { vigil_module?: string }).vigil_module === "processes" && a.matched === "bh"));
  assert.ok([...seen].some((s) => s.startsWith("sms:") && s.includes("evil-c2.example")), [...seen].join(", "));
  // MVT's file names: the bundle's own modules as aqf_*, the nested backup's SMS as sms.json.
  const names = readdirSync(out);
  for (const f of ["aqf_processes.json", "aqf_get_prop.json", "sms.json", "sms_detected.json", "aqf_processes_detected.json"]) assert.ok(names.includes(f), `${f} in ${names.join(", ")}`);
  for (const f of ["processes.json", "getprop.json", "backup_sms.json"]) assert.ok(!names.includes(f), f);
  const info = json(join(out, "info.json"));
  assert.equal(info.device.model, "Pixel 7");
  assert.ok(info.inputs.some((i: { path: string }) => i.path.endsWith("backup.ab")));
  assert.deepEqual(hashTree(bundle), before);
});

test("check-androidqf without the backup password: the backup's modules are not checked, the rest is", () => {
  const out = join(dir, "out-aqf-nopw");
  const r = vigil(["check-androidqf", bundle, "-o", out]);
  assert.equal(r.status, 10, r.stderr);
  const cov = json(join(out, "coverage.json")) as { module: string; status: string; reason?: string }[];
  const sms = cov.find((c) => c.module === "sms" && c.status === "failed");
  assert.ok(sms, JSON.stringify(cov));
  assert.match(sms.reason!, /backup\.ab: the Android backup is encrypted/);
});

test("check-androidqf on a .zip.age: passphrase from the environment; wrong one is a one-line error, exit 1", async () => {
  const p = writeTemp(dir, "bundle.zip.age", await ageEncrypt(zipOf(androidqfFiles({ "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nx 7 1 1 1 0 0 S bh\n" })), { passphrase: "agepw" }));
  const ok = vigil(["check-androidqf", p, "-o", join(dir, "out-age")], { VIGIL_AGE_PASSPHRASE: "agepw" });
  assert.equal(ok.status, 10, ok.stderr);
  const bad = vigil(["check-androidqf", p, "--passphrase", "nope", "-o", join(dir, "out-age-bad")]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split("\n").at(-1), `vigil: error: ${p}: wrong age passphrase`);
});

test("check-backup dispatches an .ab to the Android opener; wrong password exits 1 with one line", async () => {
  const p = writeTemp(dir, "b.ab", await buildAb([{ name: SMS_BACKUP_PATH, data: deflateSync(Buffer.from("[]")) }], { password: "pw" }));
  const ok = vigil(["check-backup", p, "-o", join(dir, "out-ab")], { VIGIL_BACKUP_PASSWORD: "pw" });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = vigil(["check-backup", p, "--password", "no", "-o", join(dir, "out-ab-bad")]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim().split("\n").at(-1), `vigil: error: ${p}: wrong password for this Android backup`);
});

test("check-bugreport on a zip and check-intrusion-logs on a folder", () => {
  const br = writeTemp(dir, "br.zip", zipOf(bugreportFiles()));
  const r1 = vigil(["check-bugreport", br, "-o", join(dir, "out-br")]);
  // The tiny bugreport lacks most dumpsys sections (incomplete, 20) and has an old patch level (10).
  assert.ok([0, 10, 20].includes(r1.status ?? -1), `${r1.status} ${r1.stderr}`);
  assert.equal(json(join(dir, "out-br", "info.json")).device.model, "Pixel 7");
  const logs = join(dir, "intrusion");
  mkdirSync(logs);
  writeFileSync(join(logs, "dns.jsonl"), '{"dnsEvent":{"hostname":"evil-c2.example","ips":["/203.0.113.9"],"packageName":"com.spy","time":1700000000000}}\n');
  const r2 = vigil(["check-intrusion-logs", logs, "-o", join(dir, "out-il")]);
  assert.equal(r2.status, 10, r2.stderr);
  const r3 = vigil(["check-intrusion-logs", join(dir, "nope"), "-o", join(dir, "out-il2")]);
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /nope: no such file or folder/);
});

test("an unpacked Android backup folder (apps/ tree) is checked like the .ab it came from, by check-backup and by check", () => {
  const sms = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550002", body: "go to https://evil-c2.example/y", date: "1700000000000", type: "1" }])));
  const unpacked = writeFolder(join(dir, "unpacked"), { [SMS_BACKUP_PATH]: sms, "apps/com.example/_manifest": "x" });
  // The folder above it, as an unpacking tool leaves it, works too.
  const wrapped = writeFolder(join(dir, "wrapped"), { [`backup/${SMS_BACKUP_PATH}`]: sms });
  const before = hashTree(unpacked);
  for (const [name, args] of [
    ["cb", ["check-backup", unpacked]],
    ["any", ["check", unpacked]],
    ["wrapped", ["check-backup", wrapped]],
  ] as const) {
    const out = join(dir, `out-unpacked-${name}`);
    const r = vigil([...args, "-o", out]);
    assert.equal(r.status, 10, `${name}: ${r.stderr}`);
    const info = json(join(out, "info.json"));
    assert.equal(info.acquisition.kind, "android_backup", name);
    const cov = json(join(out, "coverage.json")) as { module: string; status: string; records?: number }[];
    assert.equal(cov.find((c) => c.module === "sms")?.records, 1, name);
    assert.ok(readdirSync(out).includes("sms.json"));
  }
  assert.deepEqual(hashTree(unpacked), before);
  const empty = writeFolder(join(dir, "not-a-backup"), { "notes.txt": "x" });
  const bad = vigil(["check-backup", empty, "-o", join(dir, "out-not-a-backup")]);
  assert.equal(bad.status === 0, false);
});
