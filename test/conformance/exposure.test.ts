// Exposure windows on real inputs: MVT's test backup (iOS 14.3, build 18C66, backed up on
// 2021-12-03) and the CISA KEV copy the committed table was built from. Skips itself when the
// corpus is not there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlist } from "../../src/formats/plist.ts";
import { DATA_DIR } from "../../src/core/paths.ts";
import { buildExposureTable, evaluateExposure, loadExposureTable } from "../../src/rules/exposure/index.ts";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";

const skip = !HAVE_CORPUS;

test("the MVT test backup's iOS version shows the exposure windows it was in", { skip }, () => {
  const info = parsePlist(readFileSync(corpus("mvt-artifacts", "ios_backup", "Info.plist"))) as Record<string, unknown>;
  assert.equal(info["Product Version"], "14.3");
  const lastBackup = (info["Last Backup Date"] as Date).toISOString();
  const r = evaluateExposure(loadExposureTable(), {
    device: { platform: "ios", iosDevice: String(info["Product Type"]).startsWith("iPad") ? "ipad" : "iphone" },
    observations: [{ kind: "ios", version: String(info["Product Version"]), build: String(info["Build Version"]), to: lastBackup }],
  });
  const ids = r.windows.map((w) => w.id);
  // Fixed in iOS 14 releases after 14.3, exploited before the backup was made.
  for (const id of ["CVE-2021-1782", "CVE-2021-1870", "CVE-2021-1871", "CVE-2021-1879", "CVE-2021-30661", "CVE-2021-30663", "CVE-2021-30665", "CVE-2021-30858", "CVE-2021-30860"]) {
    assert.ok(ids.includes(id), `${id} should be listed`);
  }
  // Operation Triangulation: exploited since 2019, never fixed in iOS 14, fixed in 15.7.7/15.7.8.
  for (const id of ["CVE-2023-32434", "CVE-2023-32435", "CVE-2023-38606", "CVE-2023-41990"]) assert.ok(ids.includes(id), `${id} should be listed`);
  const fe = r.windows.find((w) => w.id === "CVE-2021-30860")!;
  assert.equal(fe.fixed_in, "iOS 14.8");
  assert.equal(fe.fix_verified, true);
  assert.deepEqual(fe.window, { from: undefined, to: "2021-12-03" });
  assert.match(fe.campaigns[0]!.name, /FORCEDENTRY/);
  assert.equal(r.windows.find((w) => w.id === "CVE-2023-32434")!.fixed_in, "iOS 15.7.7");
  // Fixed only for iOS 12 devices, public only after the backup, or fixed before 14.3: not listed.
  for (const id of ["CVE-2021-30761", "CVE-2021-30666", "CVE-2022-42856", "CVE-2023-41064", "CVE-2016-4657", "KISMET-2020", "CVE-2020-3837"]) {
    assert.ok(!ids.includes(id), `${id} should not be listed`);
  }
});

test("the committed table is what the build gives from the corpus's KEV copy and the curated file", { skip }, () => {
  const committed = loadExposureTable();
  const { table } = buildExposureTable({
    kev: { data: readFileSync(corpus("reference", "cisa-kev", "known_exploited_vulnerabilities.json")), source: committed.kev!.source },
    curated: { data: readFileSync(join(DATA_DIR, "exposure", "curated.yaml")), file: "data/exposure/curated.yaml" },
    built: committed.built,
  });
  assert.deepEqual(table, committed, "data/exposure/exploited.json is stale: run node --import tsx scripts/build-exposure.ts");
});
