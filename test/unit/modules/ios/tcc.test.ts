import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import tcc, { type TccRecord } from "../../../../src/modules/ios/tcc.ts";
import { sqliteImage } from "../../../helpers/system-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const none = matcherFromValues({}, "Empty");
const backup = (data: Buffer) => memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: "Library/TCC/TCC.db", data }] });
const fs = (data: Buffer) => memoryView({ kind: "ios_fs", platform: "ios", files: [{ path: "private/var/mobile/Library/TCC/TCC.db", data }] });

// iOS 14 and later (the corpus backup's generation).
const V3 = `CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, auth_value INTEGER NOT NULL, auth_reason INTEGER NOT NULL, auth_version INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT NOT NULL DEFAULT 'UNUSED', indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, indirect_object_identifier))`;
// iOS 12 and 13.
const V2 = `CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id INTEGER, indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT, indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)), PRIMARY KEY (service, client, client_type, indirect_object_identifier))`;
// iOS 11 and earlier.
const V1 = `CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, CONSTRAINT key PRIMARY KEY (service, client, client_type))`;

test("tcc: iOS 14+ schema: words for auth value and reason, Unix time, events", async () => {
  const db = sqliteImage("", (d) => {
    d.exec(V3);
    const ins = d.prepare("INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, last_modified) VALUES (?, ?, ?, ?, ?, 1, ?)");
    ins.run("kTCCServiceUbiquity", "com.apple.Preferences", 0, 2, 0, 1597237996);
    ins.run("kTCCServiceMicrophone", "net.whatsapp.WhatsApp", 0, 0, 2, 1610657051);
    ins.run("kTCCServicePhotos", "com.example.photos", 0, 3, 3, 1610657052);
  });
  const out = await collectModule(tcc, backup(db), none);
  assertMvtFields("tcc", out.records);
  assert.equal(out.coverage.status, "checked");
  const recs = out.records as TccRecord[];
  assert.deepEqual(recs[0], {
    service: "kTCCServiceUbiquity",
    client: "com.apple.Preferences",
    client_type: "bundle_id",
    auth_value: "allowed",
    auth_reason_desc: "unknown",
    last_modified: "2020-08-12T13:13:16.000Z",
  });
  assert.equal(recs[1].auth_value, "denied");
  assert.equal(recs[1].auth_reason_desc, "user_consent");
  assert.equal(recs[2].auth_value, "limited");
  assert.equal(out.events.length, 3);
  assert.equal(out.events[1].event, "access_request");
  assert.equal(out.events[1].description, "Access to the microphone (kTCCServiceMicrophone) by net.whatsapp.WhatsApp: denied (user_consent)");
  assert.equal(out.detections.length, 0);
});

test("tcc: iOS 12–13 schema: allowed and prompt count with last_modified", async () => {
  const db = sqliteImage("", (d) => {
    d.exec(V2);
    d.prepare("INSERT INTO access (service, client, client_type, allowed, prompt_count, last_modified) VALUES (?, ?, ?, ?, ?, ?)").run("kTCCServiceCamera", "com.burbn.instagram", 0, 1, 1, 1560000000);
  });
  const out = await collectModule(tcc, fs(db), none);
  assert.deepEqual(out.records, [
    { service: "kTCCServiceCamera", client: "com.burbn.instagram", client_type: "bundle_id", allowed_value: "allowed", prompt_count: 1, last_modified: "2019-06-08T13:20:00.000Z" },
  ]);
  assert.equal(out.events.length, 1);
  assert.match(out.events[0].description, /the camera .* com\.burbn\.instagram: allowed/);
});

test("tcc: iOS 11 schema: no timestamps, so records without events", async () => {
  const db = sqliteImage("", (d) => {
    d.exec(V1);
    d.prepare("INSERT INTO access (service, client, client_type, allowed, prompt_count) VALUES (?, ?, ?, ?, ?)").run("kTCCServiceAddressBook", "/usr/libexec/bh", 1, 0, 2);
  });
  const out = await collectModule(tcc, backup(db), none);
  assert.deepEqual(out.records, [{ service: "kTCCServiceAddressBook", client: "/usr/libexec/bh", client_type: "absolute_path", allowed_value: "denied", prompt_count: 2 }]);
  assert.equal(out.events.length, 0);
});

test("tcc: clients checked as process, app id and path (must flag / must not flag)", async () => {
  const db = sqliteImage("", (d) => {
    d.exec(V3);
    const ins = d.prepare("INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, last_modified) VALUES (?, ?, ?, 2, 4, 1, 1638559923)");
    ins.run("kTCCServiceLiverpool", "Launch", 0);
    ins.run("kTCCServiceCamera", "com.stalker.app", 0);
    ins.run("kTCCServiceMicrophone", "/private/var/db/com.apple.xpc.roleaccountd.staging/bh", 1);
    ins.run("kTCCServiceCamera", "com.apple.camera", 0);
    ins.run("kTCCServiceCamera", "com.stalker.application", 0);
  });
  const iocs = matcherFromValues({ process: ["Launch", "bh"], app_id: ["com.stalker.app"], file_path: ["/private/var/db/com.apple.xpc.roleaccountd.staging"] }, "Pegasus");
  const out = await collectModule(tcc, backup(db), iocs);
  const got = out.detections.map((d) => `${d.matched}|${d.matched_indicator?.type}|${d.grade}`).sort();
  assert.deepEqual(got, [
    "/private/var/db/com.apple.xpc.roleaccountd.staging/bh|file_path|strong",
    "Launch|process|strong",
    "bh|process|strong",
    "com.stalker.app|app_id|strong",
  ]);
  assert.equal(out.detections.every((d) => d.artifact === "HomeDomain/Library/TCC/TCC.db" && d.timestamp === "2021-12-03T19:32:03.000Z"), true);
  assert.match(out.detections.find((d) => d.matched === "Launch")!.title, /Known spyware process Launch asked for privacy permission kTCCServiceLiverpool \(TCC; Pegasus\)/);
});

test("tcc: wrong schema and a truncated file fail with one line naming the file", async () => {
  const noTable = await collectModule(tcc, backup(sqliteImage("", (d) => d.exec("CREATE TABLE admin (key TEXT, value INTEGER)"))), none);
  assert.equal(noTable.coverage.status, "failed");
  assert.equal(noTable.coverage.reason, "HomeDomain/Library/TCC/TCC.db: unexpected schema: no table access");
  const odd = await collectModule(tcc, backup(sqliteImage("", (d) => d.exec("CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, flags INTEGER)"))), none);
  assert.equal(odd.coverage.status, "failed");
  assert.match(odd.coverage.reason!, /^HomeDomain\/Library\/TCC\/TCC\.db: unexpected schema: table access has neither auth_value/);
  const good = sqliteImage("", (d) => d.exec(V3));
  const cut = await collectModule(tcc, backup(good.subarray(0, 60)), none);
  assert.equal(cut.coverage.status, "failed");
  assert.match(cut.coverage.reason!, /^HomeDomain\/Library\/TCC\/TCC\.db: truncated SQLite database/);
});

test("tcc: a service named like what every object inherits is written as it is", async () => {
  const db = sqliteImage("", (d) => {
    d.exec(V3);
    d.prepare("INSERT INTO access (service, client, client_type, auth_value, auth_reason, auth_version, last_modified) VALUES ('constructor', 'com.example', 0, 2, 0, 1, 1597237996)").run();
  });
  const out = await collectModule(tcc, backup(db), none);
  assert.equal(out.events[0]!.description, "Access to constructor by com.example: allowed (unknown)");
});
