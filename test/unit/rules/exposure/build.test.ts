import { test } from "node:test";
import assert from "node:assert/strict";
import { buildExposureTable } from "../../../../src/rules/exposure/build.ts";
import { VigilError } from "../../../../src/core/errors.ts";

const kevEntry = (cveID: string, vendorProject: string, product: string, notes = "", dateAdded = "2023-01-01") => ({
  cveID,
  vendorProject,
  product,
  vulnerabilityName: `${vendorProject} ${product} Vulnerability`,
  dateAdded,
  shortDescription: `${product} flaw`,
  notes,
});

const KEV = Buffer.from(
  JSON.stringify({
    catalogVersion: "2099.01.01",
    dateReleased: "2099-01-01T00:00:00Z",
    vulnerabilities: [
      kevEntry("CVE-2000-0001", "Apple", "Multiple Products", "https://support.apple.com/HT1; https://nvd.nist.gov/vuln/detail/CVE-2000-0001"),
      kevEntry("CVE-2000-0002", "Apple", "macOS"),
      kevEntry("CVE-2000-0003", "Samsung", "Mobile Devices", "https://security.samsungmobile.com/securityUpdate.smsb?year=2021&month=5; https://nvd.nist.gov/x"),
      kevEntry("CVE-2000-0004", "Android", "Pixel", "https://source.android.com/docs/security/bulletin/pixel/2024-04-01"),
      kevEntry("CVE-2000-0005", "Android", "Framework", "https://source.android.com/docs/security/bulletin/2023-03-01;  https://nvd.nist.gov/y"),
      kevEntry("CVE-2000-0006", "Linux", "Kernel", "see https://source.android.com/docs/security/bulletin/2025-04-01"),
      kevEntry("CVE-2000-0007", "Linux", "Kernel", "https://git.kernel.org/z"),
      kevEntry("CVE-2000-0008", "Google", "Chromium V8"),
      kevEntry("CVE-2000-0009", "Meta Platforms", "WhatsApp"),
      kevEntry("CVE-2000-0010", "Microsoft", "Windows"),
    ],
  }),
);

const CURATED = `
entries:
  CVE-2000-0001:
    title: Curated title
    fixed: [{os: ios, version: "16.5.1", verified: true}, {os: ios, version: "15.7.7", verified: false, note: from a link}]
    exploited_since: "2019"
    exploited_since_source: https://example.org/report
    campaigns: [{name: Test campaign, by: Someone, source: "https://example.org/report"}]
    look_for: Look here.
  CVE-2000-0007:
    platform: android
    product: Android (Linux kernel USB)
  NAMELESS-2020:
    title: A flaw without a CVE
    product: iOS
    fixed: [{os: ios, version: "14.0", verified: false, note: per a report}]
    known_exploited: "2020-12-20"
    known_exploited_source: https://example.org/cl
  CVE-2000-0099:
    title: not in KEV, no date
`;

const build = (curated = CURATED) => buildExposureTable({ kev: { data: KEV, source: "kev.json" }, curated: { data: Buffer.from(curated), file: "curated.yaml" }, built: "2099-02-02" });

test("KEV entries about phones and messengers are kept, others left out", () => {
  const { table } = build();
  const ids = table.entries.map((e) => e.id).sort();
  assert.deepEqual(ids, ["CVE-2000-0001", "CVE-2000-0003", "CVE-2000-0004", "CVE-2000-0005", "CVE-2000-0006", "CVE-2000-0007", "CVE-2000-0008", "CVE-2000-0009", "NAMELESS-2020"]);
  assert.equal(table.kev?.catalogVersion, "2099.01.01");
  assert.match(table.kev!.sha256, /^[0-9a-f]{64}$/);
  assert.equal(table.built, "2099-02-02");
});

test("curated fields overlay the KEV facts, which are kept as given; provenance is recorded", () => {
  const e = build().table.entries.find((x) => x.id === "CVE-2000-0001")!;
  assert.equal(e.title, "Curated title");
  assert.equal(e.kev?.vulnerabilityName, "Apple Multiple Products Vulnerability");
  assert.deepEqual(e.platforms, ["ios"]);
  assert.equal(e.known_exploited, "2023-01-01");
  assert.match(e.known_exploited_source, /^CISA KEV/);
  assert.deepEqual(e.fixed, [
    { os: "ios", version: "16.5.1", verified: true, source: "https://www.cve.org/CVERecord?id=CVE-2000-0001" },
    { os: "ios", version: "15.7.7", verified: false, note: "from a link" },
  ]);
  assert.deepEqual(e.sources, ["https://example.org/report", "https://support.apple.com/HT1", "https://nvd.nist.gov/vuln/detail/CVE-2000-0001", "https://www.cve.org/CVERecord?id=CVE-2000-0001"]);
  assert.deepEqual(e.curated, ["title", "fixed", "exploited_since", "exploited_since_source", "campaigns", "look_for"]);
  assert.equal(e.look_for_kind, "curated");
});

test("patch levels follow from the bulletin CISA links and are marked as derived, not verified", () => {
  const byId = new Map(build().table.entries.map((e) => [e.id, e]));
  assert.deepEqual(
    ["CVE-2000-0003", "CVE-2000-0004", "CVE-2000-0005", "CVE-2000-0006"].map((id) => {
      const f = byId.get(id)!.fixed[0]!;
      return "patch_level" in f ? [f.patch_level, f.vendor ?? "", f.verified, !!f.derived] : [];
    }),
    [
      ["2021-05-01", "samsung", false, true],
      ["2024-04-05", "google", false, true],
      ["2023-03-01", "", false, true],
      ["2025-04-05", "", false, true],
    ],
  );
  assert.deepEqual(byId.get("CVE-2000-0003")!.requires, { manufacturer: "samsung" });
  const chrome = byId.get("CVE-2000-0008")!;
  assert.deepEqual(chrome.fixed, []);
  assert.match(chrome.no_fix_recorded!, /Chrome for Android/);
  assert.equal(chrome.look_for_kind, "generic");
  assert.deepEqual(byId.get("CVE-2000-0009")!.platforms, ["ios", "android"]);
});

test("a curated flaw without a CVE needs its own dates; a CVE missing from KEV without a date is skipped with a note", () => {
  const { table, warnings } = build();
  const n = table.entries.find((e) => e.id === "NAMELESS-2020")!;
  assert.equal(n.cve, undefined);
  assert.equal(n.known_exploited, "2020-12-20");
  assert.deepEqual(n.platforms, ["ios"]);
  assert.ok(warnings.some((w) => w.startsWith("CVE-2000-0099")));
});

test("bad curated data is a one-line error naming the file and the entry", () => {
  const bad = (yaml: string, re: RegExp) =>
    assert.throws(() => build(yaml), (e: unknown) => e instanceof VigilError && e.file === "curated.yaml" && re.test(e.message));
  bad("entries:\n  CVE-2000-0001:\n    fixed: [{os: ios, version: \"16.x\", verified: true}]\n", /CVE-2000-0001: "16.x" is not an iOS version/);
  bad("entries:\n  CVE-2000-0001:\n    fixed: [{os: ios, version: \"16.1\"}]\n", /verified: true or false/);
  bad("entries:\n  CVE-2000-0001:\n    colour: red\n", /unknown field "colour"/);
  bad("entries:\n  CVE-2000-0001:\n    exploited_since: \"2019\"\n", /needs exploited_since_source/);
  bad("entries: [1, 2\n", /not valid YAML/);
  assert.throws(
    () => buildExposureTable({ kev: { data: Buffer.from("{}"), source: "kev.json" }, curated: { data: Buffer.from(CURATED), file: "c" }, built: "x" }),
    (e: unknown) => e instanceof VigilError && e.file === "kev.json",
  );
});
