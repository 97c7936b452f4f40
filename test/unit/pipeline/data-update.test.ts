// `vigil update`, `--export DIR` and `--import DIR`, with an injected fetcher: no network.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importData, updateData, EXPORT_MANIFEST } from "../../../src/pipeline/data-update.ts";
import { datasetFile, datasetsInUse, datasetsRoot, staleDatasets, BUNDLED_DATASETS } from "../../../src/indicators/datasets.ts";
import { defaultIndicatorPaths } from "../../../src/indicators/cache.ts";
import { loadIndicators } from "../../../src/indicators/load.ts";
import { parseExposureTable } from "../../../src/rules/exposure/table.ts";
import { mergeIosReleases, parseApplePmv } from "../../../src/indicators/apple-releases.ts";
import { VigilError } from "../../../src/core/errors.ts";
import { REPO_ROOT } from "../../../src/core/paths.ts";

const INDEX_URL = "https://indicators.test/index.yaml";
const KEV_URL = "https://kev.test/kev.json";
const PMV_URL = "https://apple.test/pmv";
const STIX = JSON.stringify({
  type: "bundle",
  id: "bundle--1",
  objects: [
    { type: "malware", id: "malware--1", name: "Pegasus" },
    { type: "indicator", id: "indicator--1", pattern: "[domain-name:value = 'evil.example']", pattern_type: "stix" },
    { type: "relationship", id: "relationship--1", relationship_type: "indicates", source_ref: "indicator--1", target_ref: "malware--1" },
  ],
});
const KEV = JSON.stringify({
  catalogVersion: "2027.01.15",
  dateReleased: "2027-01-15T12:00:00Z",
  vulnerabilities: [
    { cveID: "CVE-2021-30860", vendorProject: "Apple", product: "Multiple Products", vulnerabilityName: "Apple Multiple Products Integer Overflow Vulnerability", dateAdded: "2021-11-03", shortDescription: "FORCEDENTRY", notes: "" },
    { cveID: "CVE-2027-0001", vendorProject: "Apple", product: "iOS and iPadOS", vulnerabilityName: "Apple iOS New Vulnerability", dateAdded: "2027-01-14", shortDescription: "new", notes: "https://support.apple.com/x" },
  ],
});
const PMV = JSON.stringify({ PublicAssetSets: { iOS: [{ ProductVersion: "27.0.1", Build: "25A1", PostingDate: "2027-01-10", SupportedDevices: ["iPhone17,1"] }, { ProductVersion: "18.7.9", PostingDate: "2027-01-10" }] } });

function fakeFetch(files: Record<string, string>, hits: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    hits.push(url);
    const body = files[url];
    return body === undefined ? new Response("not found", { status: 404, statusText: "Not Found" }) : new Response(body, { status: 200 });
  }) as typeof fetch;
}

const SOURCES = (): Record<string, string> => ({
  [INDEX_URL]: "indicators:\n  -\n  - type: download\n    name: Test set\n    download_url: https://indicators.test/pegasus.stix2\n",
  "https://indicators.test/pegasus.stix2": STIX,
  [KEV_URL]: KEV,
  [PMV_URL]: PMV,
});

async function withHome<T>(fn: (home: string) => Promise<T> | T): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), "vigil-home-"));
  const prev = process.env.VIGIL_HOME;
  process.env.VIGIL_HOME = home;
  try {
    return await fn(home);
  } finally {
    if (prev === undefined) delete process.env.VIGIL_HOME;
    else process.env.VIGIL_HOME = prev;
    rmSync(home, { recursive: true, force: true });
  }
}

const NOW = new Date("2027-01-20T08:00:00Z");
const opts = (hits: string[], files = SOURCES()) => ({ fetch: fakeFetch(files, hits), indexUrl: INDEX_URL, kevUrl: KEV_URL, pmvUrl: PMV_URL, now: NOW });
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

test("update fetches every data set, records source, date and SHA-256, and checks then use the new copies", async () => {
  await withHome(async () => {
    const hits: string[] = [];
    const r = await updateData(opts(hits));
    assert.deepEqual(r.failed, []);
    assert.deepEqual(hits.sort(), [INDEX_URL, "https://indicators.test/pegasus.stix2", KEV_URL, PMV_URL].sort());
    assert.deepEqual(r.datasets.sets.map((s) => [s.name, s.source, s.fetched, s.sha256, s.version ?? ""]), [
      ["exposure", KEV_URL, NOW.toISOString(), sha(KEV), "2027.01.15"],
      ["ios-releases", PMV_URL, NOW.toISOString(), sha(PMV), ""],
    ]);
    assert.deepEqual(r.datasets.iosReleasesAdded, ["18.7.9", "27.0.1"]);
    const table = parseExposureTable(readFileSync(datasetFile("exposure")), "t");
    assert.equal(table.kev?.catalogVersion, "2027.01.15");
    assert.ok(table.entries.some((e) => e.id === "CVE-2027-0001"));
    assert.equal(table.entries.find((e) => e.id === "CVE-2021-30860")!.campaigns[0]!.by, "NSO Group", "curated data merged");
    const rel = JSON.parse(readFileSync(datasetFile("ios-releases"), "utf8"));
    assert.equal(rel.complete_through, "2027-01-20");
    assert.ok(rel.releases.some((x: { version: string; date: string }) => x.version === "27.0.1" && x.date === "2027-01-10"));
    assert.notEqual(datasetFile("ios-releases"), BUNDLED_DATASETS["ios-releases"]);
    const inUse = datasetsInUse();
    assert.deepEqual(inUse.map((d) => [d.name, d.kind, d.date]), [
      ["indicators", "updated", "2027-01-20"],
      ["exposure", "updated", "2027-01-20"],
      ["ios-releases", "updated", "2027-01-20"],
    ]);
    assert.deepEqual(staleDatasets(inUse, new Date("2027-02-10T00:00:00Z")), []);
    assert.deepEqual(staleDatasets(inUse, new Date("2027-03-01T00:00:00Z")).map((d) => d.name), ["indicators", "exposure", "ios-releases"]);
  });
});

test("export then import on another machine gives the same data sets, offline", async () => {
  const out = mkdtempSync(join(tmpdir(), "vigil-export-"));
  rmSync(out, { recursive: true });
  try {
    const exported = await withHome(async () => {
      const r = await updateData({ ...opts([]), exportTo: out });
      assert.equal(r.exported, out);
      return { exposure: readFileSync(datasetFile("exposure"), "utf8"), releases: readFileSync(datasetFile("ios-releases"), "utf8") };
    });
    const manifest = JSON.parse(readFileSync(join(out, EXPORT_MANIFEST), "utf8"));
    assert.deepEqual(manifest.files.map((f: { set: string }) => f.set).sort().at(-1), "ios-releases");
    await withHome(async () => {
      const r = importData(out, { now: new Date("2027-01-21T00:00:00Z") });
      assert.equal(readFileSync(datasetFile("exposure"), "utf8"), exported.exposure);
      assert.equal(readFileSync(datasetFile("ios-releases"), "utf8").replace(/2027-01-21/g, "2027-01-20"), exported.releases);
      assert.equal(r.datasets.sets[0]!.fetched, NOW.toISOString(), "the fetch date travels with the folder");
      const ind = loadIndicators(defaultIndicatorPaths().paths);
      assert.equal(ind.matcher.domain("a.evil.example").length, 1);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("import refuses a changed or incomplete folder and leaves the data sets as they were", async () => {
  const out = mkdtempSync(join(tmpdir(), "vigil-export-"));
  try {
    await withHome(() => updateData({ ...opts([]), exportTo: join(out, "x") }));
    const dir = join(out, "x");
    await withHome(async () => {
      writeFileSync(join(dir, "kev", "known_exploited_vulnerabilities.json"), KEV.replace("2027.01.15", "2027.01.16"));
      assert.throws(() => importData(dir), (e: unknown) => e instanceof VigilError && /does not match the SHA-256/.test(e.message) && e.file!.endsWith("known_exploited_vulnerabilities.json"));
      rmSync(join(dir, EXPORT_MANIFEST));
      assert.throws(() => importData(dir), (e: unknown) => e instanceof VigilError && e.code === "usage" && /vigil update --export/.test(e.message));
      assert.equal(existsSync(datasetsRoot()), false);
      assert.equal(datasetFile("exposure"), BUNDLED_DATASETS.exposure);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a source that fails leaves its own data set as it was, installs the others, and is reported", async () => {
  await withHome(async () => {
    const files: Record<string, string> = SOURCES();
    delete files[PMV_URL];
    const r = await updateData(opts([], files));
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0]!, /^https:\/\/apple\.test\/pmv: HTTP 404 Not Found; the ios-releases data set is not updated$/);
    assert.equal(datasetFile("ios-releases"), BUNDLED_DATASETS["ios-releases"]);
    assert.notEqual(datasetFile("exposure"), BUNDLED_DATASETS.exposure);
    assert.deepEqual(r.datasets.sets.map((s) => s.name), ["exposure"]);
  });
  await withHome(async () => {
    const r = await updateData(opts([], { ...SOURCES(), [KEV_URL]: "{}" }));
    assert.match(r.failed[0]!, /https:\/\/kev\.test\/kev\.json: is not the CISA KEV catalog .*; the exposure data set is not updated/);
    assert.equal(datasetFile("exposure"), BUNDLED_DATASETS.exposure);
    assert.notEqual(datasetFile("ios-releases"), BUNDLED_DATASETS["ios-releases"]);
  });
});

test("Apple's software lookup answer: versions and posting dates, merged without changing known releases", () => {
  const listed = parseApplePmv(JSON.stringify({ AssetSets: { iOS: [{ ProductVersion: "15.0", PostingDate: "2099-01-01" }, { ProductVersion: "beta", PostingDate: "2027-01-01" }] }, PublicAssetSets: { iOS: [{ ProductVersion: "27.1", PostingDate: "2027-02-02T00:00:00Z" }] } }), "pmv");
  assert.deepEqual(listed, [{ version: "15.0", date: "2099-01-01" }, { version: "27.1", date: "2027-02-02" }]);
  const m = mergeIosReleases({ updated: "2026-01-01", complete_through: "2026-01-01", releases: [{ version: "15.0", date: "2021-09-20" }] }, listed, "2027-02-03T10:00:00Z");
  assert.deepEqual(m.table.releases, [{ version: "15.0", date: "2021-09-20" }, { version: "27.1", date: "2027-02-02" }]);
  assert.deepEqual(m.added, ["27.1"]);
  assert.throws(() => parseApplePmv("{}", "pmv"), /not an Apple software lookup answer/);
  assert.throws(() => parseApplePmv("[", "pmv"), (e: unknown) => e instanceof VigilError && e.file === "pmv");
});

test("vigil update --import installs an exported folder from the command line", async () => {
  const out = mkdtempSync(join(tmpdir(), "vigil-export-"));
  const home = mkdtempSync(join(tmpdir(), "vigil-home-"));
  try {
    await withHome(() => updateData({ ...opts([]), exportTo: join(out, "e") }));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "vigil.js"), "update", "--import", join(out, "e")], { env: { ...process.env, VIGIL_HOME: home }, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /exposure table, \d+ entries: https:\/\/kev\.test\/kev\.json \(version 2027\.01\.15\), fetched 2027-01-20T08:00:00\.000Z, sha256 [0-9a-f]{64}/);
    assert.match(r.stdout, /iOS release table, added 18\.7\.9, 27\.0\.1/);
    assert.equal(readdirSync(join(home, "datasets")).filter((n) => !n.startsWith(".")).length, 1);
    // A folder without Apple's list: the rest is installed, the command ends with the error code.
    const m = JSON.parse(readFileSync(join(out, "e", EXPORT_MANIFEST), "utf8"));
    m.files = m.files.filter((f: { path: string }) => f.path !== "apple/pmv.json");
    writeFileSync(join(out, "e", EXPORT_MANIFEST), JSON.stringify(m));
    const partial = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "vigil.js"), "update", "--import", join(out, "e")], { env: { ...process.env, VIGIL_HOME: home }, encoding: "utf8" });
    assert.equal(partial.status, 1);
    assert.match(partial.stderr, /apple\/pmv\.json is not in the folder; the ios-releases data set is not updated/);
    assert.match(partial.stdout, /exposure table, \d+ entries/);
    const both = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "vigil.js"), "update", "--import", out, "--export", out], { env: { ...process.env, VIGIL_HOME: home }, encoding: "utf8" });
    assert.equal(both.status, 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});

test("import refuses a manifest whose entries are not objects with text fields, naming it (no JavaScript error)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-export-shape-"));
  try {
    await withHome(() => {
      const cases: [string, RegExp][] = [
        ["null", /lists no files$/],
        ['{"files": [null]}', /files\[0\]: expected an object with path, sha256 and fetched as text$/],
        ['{"files": [{"path": 5, "sha256": "x", "fetched": "2026-01-01"}]}', /files\[0\]: expected an object/],
        ['{"files": [{"set": "exposure", "path": "a.json", "sha256": "x", "fetched": 5}]}', /files\[0\]: expected an object/],
      ];
      for (const [text, reason] of cases) {
        writeFileSync(join(dir, EXPORT_MANIFEST), text);
        assert.throws(() => importData(dir), (e: unknown) => e instanceof VigilError && e.file === join(dir, EXPORT_MANIFEST) && reason.test(e.message), text);
      }
      assert.equal(existsSync(datasetsRoot()), false);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
