// The accounts module (the example of docs/adding-a-module.md): records, events, the e-mail
// check, and a schema without the optional columns.
import assert from "node:assert/strict";
import { test } from "node:test";
import accounts from "../../../../src/modules/ios/accounts.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { backup, fsDump, mac, sqliteImage } from "../../../helpers/messaging-views.ts";

const TYPES = `CREATE TABLE ZACCOUNTTYPE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACCOUNTTYPEDESCRIPTION VARCHAR, ZIDENTIFIER VARCHAR);
  INSERT INTO ZACCOUNTTYPE VALUES (1, 3, 1, 'iCloud', 'com.apple.account.AppleAccount'), (2, 3, 1, 'Game Center', 'com.apple.account.GameCenter');`;
const db = sqliteImage(
  `${TYPES}
  CREATE TABLE ZACCOUNT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACCOUNTTYPE INTEGER, ZPARENTACCOUNT INTEGER, ZDATE TIMESTAMP,
    ZACCOUNTDESCRIPTION VARCHAR, ZIDENTIFIER VARCHAR, ZOWNINGBUNDLEID VARCHAR, ZUSERNAME VARCHAR);`,
  (d) => {
    const add = d.prepare("INSERT INTO ZACCOUNT (Z_PK, ZACCOUNTTYPE, ZDATE, ZACCOUNTDESCRIPTION, ZIDENTIFIER, ZOWNINGBUNDLEID, ZUSERNAME) VALUES (?, ?, ?, ?, ?, ?, ?)");
    add.run(1, 1, mac("2021-06-01T10:00:00Z"), "iCloud", "A1", "com.apple.Preferences", "owner@icloud.com");
    add.run(2, 2, mac("2021-07-02T08:30:00Z"), "Game Center", "A2", null, "bergers.o79@gmail.com");
    add.run(3, 9, null, null, "A3", null, null);
  },
);
const iocs = matcherFromValues({ email: ["bergers.o79@gmail.com"] }, "Pegasus");

test("accounts: every account with its type, a known operator's account is strong, dates on the timeline", async () => {
  const r = await collectModule(accounts, backup([{ domain: "HomeDomain", relativePath: "Library/Accounts/Accounts3.sqlite", data: db }]), iocs);
  assert.equal(r.coverage.status, "checked");
  assert.deepEqual(r.records, [
    { isodate: "2021-06-01T10:00:00.000Z", account_type: "iCloud", username: "owner@icloud.com", description: "iCloud", owning_bundle_id: "com.apple.Preferences" },
    { isodate: "2021-07-02T08:30:00.000Z", account_type: "Game Center", username: "bergers.o79@gmail.com", description: "Game Center", owning_bundle_id: null },
    { isodate: null, account_type: null, username: null, description: null, owning_bundle_id: null },
  ]);
  assert.deepEqual(r.events.map((e) => [e.timestamp, e.description, e.detected]), [
    ["2021-06-01T10:00:00.000Z", "iCloud: owner@icloud.com", false],
    ["2021-07-02T08:30:00.000Z", "Game Center: bergers.o79@gmail.com", true],
  ]);
  assert.equal(r.detections.length, 1);
  assert.equal(r.detections[0].grade, "strong");
  assert.equal(r.detections[0].matched, "bergers.o79@gmail.com");
  assert.equal(r.detections[0].artifact, "HomeDomain/Library/Accounts/Accounts3.sqlite");
});

test("accounts: columns an older schema lacks read as null; a database without the tables fails with a one-line reason", async () => {
  const old = sqliteImage(`${TYPES} CREATE TABLE ZACCOUNT (Z_PK INTEGER PRIMARY KEY, ZACCOUNTTYPE INTEGER, ZUSERNAME VARCHAR); INSERT INTO ZACCOUNT VALUES (1, 1, 'x@example.org');`);
  const path = "private/var/mobile/Library/Accounts/Accounts3.sqlite";
  const r = await collectModule(accounts, fsDump([{ path, data: old }]), iocs);
  assert.deepEqual(r.records, [{ isodate: null, account_type: "iCloud", username: "x@example.org", description: null, owning_bundle_id: null }]);
  const bad = await collectModule(accounts, fsDump([{ path, data: sqliteImage("CREATE TABLE other (x)") }]), iocs);
  assert.equal(bad.coverage.status, "failed");
  assert.equal(bad.coverage.reason, `${path}: unexpected schema: no table ZACCOUNT`);
});
