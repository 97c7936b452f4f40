// MVT's plain test backup (mvt-artifacts/ios_backup): no Manifest.plist, a partial backup
// (10 payloads for 1 089 files), Manifest.db in WAL mode. It must open as unencrypted, and
// backup_info and manifest must run on it. Skips itself when the corpus is not there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import backupInfo from "../../src/modules/ios/backup-info.ts";
import manifest from "../../src/modules/ios/manifest.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { deviceExposure } from "../../src/rules/device-exposure.ts";
import { HAVE_CORPUS, corpus } from "../helpers/corpus.ts";
import { hashTree } from "../helpers/evidence.ts";

const skip = !HAVE_CORPUS;
const DIR = corpus("mvt-artifacts", "ios_backup");

test("MVT plain backup opens as unencrypted with its device info", { skip }, async () => {
  const v = await openIosBackup(DIR);
  try {
    assert.equal(v.encrypted, false);
    assert.equal(v.device.model, "iPhone9,3");
    assert.equal(v.device.osVersion, "14.3");
    assert.equal(v.device.build, "18C66");
    assert.equal(v.device.identifier, "1CB128EAFA77C5BE74283E9A3A2130AF36A3C059");
    assert.deepEqual(v.counts(), { files: 1089, directories: 2618, symlinks: 14, total: 3721 });
    const [sms] = await v.find({ backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }] });
    const h = await v.openSqlite(sms);
    assert.ok(h.tables().has("message"));
    h.close();
  } finally {
    await v.close();
  }
});

test("backup_info and manifest run on the MVT backup; the corpus is unchanged", { skip }, async () => {
  const before = hashTree(DIR);
  const v = await openIosBackup(DIR);
  try {
    const iocs = matcherFromValues({ domain: ["example-spyware.test"] }, "Test set");
    const info = await collectModule(backupInfo, v, iocs);
    assert.equal(info.coverage.status, "checked");
    const rec = info.records[0] as Record<string, unknown>;
    assert.equal(rec["Product Version"], "14.3");
    assert.deepEqual(rec["Installed Applications"], ["ph.telegra.Telegraph", "com.google.Gmail", "ch.icoaching.typewise", "com.google.chrome.ios", "net.whatsapp.WhatsApp", "org.mozilla.ios.Firefox"]);
    // iOS 14.3 is exposure (what the phone was open to), never a detection.
    assert.deepEqual(info.detections, []);
    assert.deepEqual(deviceExposure(v.device).map((e) => [e.kind, e.params.version]), [["outdated_os", "14.3"]]);

    const m = await collectModule(manifest, v, iocs);
    assert.equal(m.coverage.status, "checked");
    assert.equal(m.records.length, 3721);
    const sms = m.records.find((r: any) => r.relative_path === "Library/SMS/sms.db") as Record<string, unknown>;
    assert.equal(sms.file_id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    assert.equal(sms.created, "2019-08-27T15:08:09.000Z");
    assert.equal(sms.mode, "0o100644");
    assert.ok(m.events.length >= 3721);
    assert.equal(m.detections.length, 0);
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(DIR), before);
});
