import { test } from "node:test";
import assert from "node:assert/strict";
import packages from "../../../../src/modules/android/packages.ts";
import dumpsysPackages from "../../../../src/modules/android/dumpsys-packages.ts";
import { NOT_FROM_STORE_RULE, ROOT_PACKAGE_RULE } from "../../../../src/modules/android/lib/package-checks.ts";
import { br, dumpsys, packageSection, pkgBlock, qf, run, view } from "../../../helpers/android-views.ts";

const SHA = "a".repeat(64);
const CERT = "b".repeat(64);
function pkgJson(name: string, opts: { installer?: string; system?: boolean; sha?: string; cert?: string } = {}) {
  return {
    name,
    files: [{ path: `/data/app/${name}/base.apk`, sha256: opts.sha ?? "c".repeat(64), certificate: { Sha256: opts.cert ?? "d".repeat(64), Subject: "CN=x" } }],
    installer: opts.installer ?? "com.android.vending",
    uid: 10100,
    disabled: false,
    system: opts.system ?? false,
    third_party: !opts.system,
  };
}

test("packages: app id, APK SHA-256 and certificate hash indicators are strong", async () => {
  const v = qf({ "packages.json": JSON.stringify([pkgJson("com.spy"), pkgJson("com.other", { sha: SHA }), pkgJson("com.signed", { cert: CERT }), pkgJson("com.clean")]) });
  const r = await run(packages, v, { app_id: ["com.spy"], sha256: [SHA], app_cert_hash: [CERT] });
  assert.equal(r.records.length, 4);
  const ind = r.detections.filter((d) => d.kind === "indicator");
  assert.deepEqual(ind.map((d) => [d.grade, d.matched]).sort(), [["strong", "com.spy"], ["strong", CERT], ["strong", SHA]].sort());
  assert.equal(r.detections.filter((d) => d.kind === "heuristic").length, 0);
});

test("packages: sideloaded user app flagged weak, store and system apps not; root tool flagged medium", async () => {
  const v = qf({
    "packages.json": JSON.stringify([
      pkgJson("com.side", { installer: "com.google.android.packageinstaller" }),
      pkgJson("com.none", { installer: "null" }),
      pkgJson("com.store"),
      pkgJson("com.sys", { installer: "null", system: true }),
      pkgJson("com.topjohnwu.magisk"),
    ]),
  });
  const r = await run(packages, v);
  const got = r.detections.map((d) => [d.rule?.id, d.matched, d.grade]).sort();
  assert.deepEqual(got, [
    [NOT_FROM_STORE_RULE.id, "com.none", "weak"],
    [NOT_FROM_STORE_RULE.id, "com.side", "weak"],
    [ROOT_PACKAGE_RULE.id, "com.topjohnwu.magisk", "medium"],
  ]);
});

test("packages: malformed packages.json is a one-line error naming the file", async () => {
  const r = await run(packages, qf({ "packages.json": '[{"name": "com.a", "files": [' }));
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.reason, "packages.json: not valid JSON (expected a list of packages; truncated?)");
  const r2 = await run(packages, qf({ "packages.json": '{"name": "com.a"}' }));
  assert.equal(r2.coverage.reason, "packages.json: not a list of packages");
});

test("dumpsys_packages: every package found despite blank lines; indicators strong; install events (device clock)", async () => {
  const blocks = [pkgBlock("com.a", { installer: "com.android.vending" }), pkgBlock("com.spy", { installer: "com.android.vending" }), pkgBlock("com.c", { system: true })];
  const r = await run(dumpsysPackages, br({ "dumpstate.txt": dumpsys({ package: packageSection(blocks) }) }), { app_id: ["com.spy"] });
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual((r.records as { package_name: string }[]).map((p) => p.package_name), ["com.a", "com.spy", "com.c"]);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "com.spy"]]);
  assert.ok(r.events.some((e) => e.event === "package_installed" && e.description.includes("com.spy") && e.description.includes("device clock")));
});

test("dumpsys_packages: heuristics run on a bugreport, not on androidqf when packages.json is there", async () => {
  const sec = dumpsys({ package: packageSection([pkgBlock("com.side", { installer: "null" })]) });
  const onBr = await run(dumpsysPackages, br({ "dumpstate.txt": sec }));
  assert.deepEqual(onBr.detections.map((d) => d.rule?.id), [NOT_FROM_STORE_RULE.id]);
  const onQf = await run(dumpsysPackages, qf({ "dumpsys.txt": sec, "packages.json": "[]" }));
  assert.equal(onQf.detections.length, 0);
});

test("dumpsys_packages: a dump without a package section is not checked, with the reason", async () => {
  const r = await run(dumpsysPackages, qf({ "dumpsys.txt": dumpsys({ adb: "x" }) }));
  assert.equal(r.coverage.status, "failed");
  assert.equal(r.coverage.reason, 'dumpsys.txt: no "DUMP OF SERVICE package" section (the service was not dumped)');
  const notDumpsys = await run(dumpsysPackages, qf({ "dumpsys.txt": "random text\nmore" }));
  assert.equal(notDumpsys.coverage.reason, 'dumpsys.txt: not a dumpsys output (no "DUMP OF SERVICE" section)');
});

test("packages: Echap-style SHA-1 certificate indicator (upper case) matches androidqf's lower-case Sha1", async () => {
  const sha1 = "31A6ECECD97CF39BC4126B8745CD94A7C30BF81C";
  const p = pkgJson("com.innocent.name");
  (p.files[0].certificate as Record<string, string>).Sha1 = sha1.toLowerCase();
  const r = await run(packages, qf({ "packages.json": JSON.stringify([p]) }), { app_cert_hash: [sha1] });
  assert.deepEqual(r.detections.filter((d) => d.kind === "indicator").map((d) => [d.grade, d.matched_indicator?.value]), [["strong", sha1]]);
});

test("dumpsys_packages: a bugreport with two dump texts reads the one main_entry.txt names", async () => {
  const a = dumpsys({ package: packageSection([pkgBlock("com.a"), pkgBlock("com.b")]) });
  const old = dumpsys({ package: packageSection([pkgBlock("com.old")]) });
  const r = await run(dumpsysPackages, br({ "bugreport-x.txt": a, "dumpstate.txt": old, "main_entry.txt": "bugreport-x.txt\n" }));
  assert.deepEqual((r.records as { package_name: string }[]).map((p) => p.package_name), ["com.a", "com.b"]);
});

test("packages: APK MD5 and SHA-1 hash indicators match too", async () => {
  const p = pkgJson("com.x");
  Object.assign(p.files[0], { md5: "f".repeat(32), sha1: "9".repeat(40) });
  const r = await run(packages, qf({ "packages.json": JSON.stringify([p]) }), { md5: ["f".repeat(32)], sha1: ["9".repeat(40)] });
  assert.deepEqual(r.detections.filter((d) => d.kind === "indicator").map((d) => d.matched).sort(), ["9".repeat(40), "f".repeat(32)]);
});

test("dumpsys_packages: WhatsApp's versionName is exposure to the WhatsApp flaws exploited in the wild before the acquisition", async () => {
  const wa = pkgBlock("com.whatsapp", { installer: "com.android.vending" }).replace("versionName=1.2", "versionName=2.19.120");
  const sec = dumpsys({ package: packageSection([wa, pkgBlock("com.a", { installer: "com.android.vending" })]) });
  const r = await run(dumpsysPackages, view("android_bugreport", { "dumpstate.txt": sec }, { acquired: "2019-08-01T00:00:00.000Z" }));
  assert.deepEqual(r.detections, []);
  assert.deepEqual(r.exposure.map((e) => [e.module, e.params.cve, e.params.version, e.params.fixed_in, e.artifact]), [
    ["dumpsys_packages", "CVE-2019-3568", "WhatsApp 2.19.120", "WhatsApp for Android 2.19.134", "dumpstate.txt"],
  ]);
});

test("aqf_packages records: MVT's name beside package_name, androidqf's certificate fields beside Vigil's", async () => {
  const pkg = { name: "com.example.app", installer: "com.android.vending", system: false, files: [{ path: "/data/app/base.apk", sha256: "c".repeat(64), certificate: { Sha256: "d".repeat(64), Md5: "e".repeat(32), Subject: "CN=x" } }] };
  const r = await run(packages, qf({ "packages.json": JSON.stringify([pkg]) }));
  const rec = r.records[0] as Record<string, any>;
  assert.equal(rec.name, "com.example.app");
  assert.equal(rec.package_name, "com.example.app");
  assert.equal(rec.files[0].certificate.sha256, "d".repeat(64));
  assert.equal(rec.files[0].certificate.Sha256, "d".repeat(64));
  assert.equal(rec.files[0].certificate.Md5, "e".repeat(32));
});

test("packages: a certificate that is not an object is none (a string was spread into one key per character)", async () => {
  const list = [{ name: "com.a", files: [{ path: "/a.apk", certificate: "x".repeat(100_000) }, { path: "/b.apk", certificate: ["y", "z"] }, { path: "/c.apk", certificate: { Sha256: CERT } }] }];
  const r = await run(packages, qf({ "packages.json": JSON.stringify(list) }));
  const files = (r.records[0] as { files: { path: string; certificate?: Record<string, unknown> }[] }).files;
  assert.deepEqual(files.map((f) => [f.path, f.certificate && Object.keys(f.certificate).length]), [["/a.apk", undefined], ["/b.apk", undefined], ["/c.apk", 8]]);
  assert.equal(files[2].certificate?.sha256, CERT);
});
