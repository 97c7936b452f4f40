// The iPhone backup opener (the rest of it is tested in test/unit/ios-backup/): inPlacePath of its
// view, and a payload that is there but cannot be read, which is not reported as missing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openIosBackup } from "../../../../src/acquisitions/ios-backup/open.ts";
import { buildSyntheticBackup, DEMO_PLANTED, DEMO_SIZES } from "../../../../src/demo/demo-backup.ts";
import { buildIosBackup } from "../../../helpers/ios-backup-builder.ts";
import { hashTree } from "../../../helpers/evidence.ts";
import smsAttachments from "../../../../src/modules/ios/sms-attachments.ts";
import { APPENDED_ARCHIVE_RULE } from "../../../../src/modules/ios/lib/attachment-content.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { SMS_SCHEMA, sqliteImage } from "../../../helpers/messaging-views.ts";
import { dngFile, withAppendedZip } from "../../../helpers/attachment-fixtures.ts";

const base = mkdtempSync(join(tmpdir(), "vigil-backup-open-"));
after(() => rmSync(base, { recursive: true, force: true }));

const IMG = withAppendedZip(dngFile(400_000));
const smsDb = sqliteImage(SMS_SCHEMA, (db) => {
  db.prepare("INSERT INTO handle (ROWID, id, service) VALUES (1, '+971500000001', 'iMessage')").run();
  db.prepare("INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (1, 'M1', '', 1, 'iMessage', 700000000000000000, 0)").run();
  db.prepare("INSERT INTO attachment (ROWID, guid, original_guid, created_date, filename, uti, mime_type, transfer_name) VALUES (1, 'A', 'A', 700000000, '~/Library/SMS/Attachments/0a/10/A/IMG-20240723-WA0000.jpg', 'public.jpeg', 'image/jpeg', 'IMG-20240723-WA0000.jpg')").run();
  db.prepare("INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (1, 1)").run();
});
const FILES = [
  { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDb },
  { domain: "MediaDomain", relativePath: "Library/SMS/Attachments/0a/10/A/IMG-20240723-WA0000.jpg", data: IMG },
];

test("ios backup: a plain backup's payload is readable in place and logged; an attachment's two ends are read there", async () => {
  const dir = join(base, "plain", "00008110-000A1B2C3D4E5F60");
  const built = await buildIosBackup(dir, { files: FILES });
  const id = built.fileIds["MediaDomain/Library/SMS/Attachments/0a/10/A/IMG-20240723-WA0000.jpg"];
  const before = hashTree(dir);
  const v = await openIosBackup(dir);
  try {
    const [img] = await v.find({ backup: [{ domain: "MediaDomain", path: "Library/SMS/Attachments/**" }] });
    const path = await v.inPlacePath!(img);
    assert.ok(path);
    assert.deepEqual(readFileSync(path), IMG);
    const out = await collectModule(smsAttachments, v, matcherFromValues({}));
    assert.deepEqual(out.detections.map((d) => d.rule?.id), [APPENDED_ARCHIVE_RULE.id]);
    assert.equal((out.records as any[])[0].content.size, IMG.length);
    await v.settled();
    assert.ok(v.inputsRead().some((i) => i.path === `${id.slice(0, 2)}/${id}` && i.size === IMG.length && i.sha256.length === 64), "the payload is in the provenance");
  } finally {
    await v.close();
  }
  assert.deepEqual(hashTree(dir), before);
});

test("ios backup: an encrypted payload has no in-place path; the attachment is streamed and still checked", async () => {
  const dir = join(base, "enc", "00008110-000A1B2C3D4E5F61");
  await buildIosBackup(dir, { files: FILES, encrypted: { password: "pw" } });
  const v = await openIosBackup(dir, { password: "pw" });
  try {
    const [img] = await v.find({ backup: [{ domain: "MediaDomain", path: "Library/SMS/Attachments/**" }] });
    assert.equal(await v.inPlacePath!(img), undefined);
    const out = await collectModule(smsAttachments, v, matcherFromValues({}));
    assert.deepEqual(out.detections.map((d) => d.rule?.id), [APPENDED_ARCHIVE_RULE.id]);
  } finally {
    await v.close();
  }
});

const tmp = join(base, "payload");
const SMS = { domain: "HomeDomain", path: "Library/SMS/sms.db" };
const smsId = createHash("sha1").update("HomeDomain-Library/SMS/sms.db").digest("hex");
let good: string;

before(async () => {
  good = (await buildSyntheticBackup(join(tmp, "good"), DEMO_SIZES, { planted: DEMO_PLANTED })).dir;
});

async function readSms(backup: string): Promise<string> {
  const view = await openIosBackup(backup, {});
  try {
    const [entry] = await view.find({ backup: [SMS] });
    assert.ok(entry, "sms.db is listed");
    await view.readFile(entry);
    return "read";
  } catch (e) {
    return (e as { oneLine?: () => string }).oneLine?.() ?? String(e);
  } finally {
    await view.close();
  }
}

test("a payload folder that is a file: 'cannot be read (ENOTDIR)', not missing", async () => {
  const backup = join(tmp, "notdir");
  cpSync(good, backup, { recursive: true });
  rmSync(join(backup, smsId.slice(0, 2)), { recursive: true });
  writeFileSync(join(backup, smsId.slice(0, 2)), "not a folder");
  assert.equal(await readSms(backup), `HomeDomain/Library/SMS/sms.db: payload ${smsId.slice(0, 2)}/${smsId} cannot be read (ENOTDIR)`);
});

test("an unreadable payload folder: 'cannot be read (EACCES)'; a missing one is still 'missing'", async () => {
  const backup = join(tmp, "eacces");
  cpSync(good, backup, { recursive: true });
  const folder = join(backup, smsId.slice(0, 2));
  // Root reads any folder: the refusal is played by the file system calls.
  type Fn = (...a: unknown[]) => unknown;
  const fs = createRequire(import.meta.url)("node:fs") as { statSync: Fn; existsSync: Fn };
  const { statSync, existsSync } = fs;
  const denied = (p: unknown) => typeof p === "string" && p.startsWith(folder + "/");
  fs.statSync = (p, ...rest) => {
    if (denied(p)) throw Object.assign(new Error(`EACCES: permission denied, stat '${String(p)}'`), { code: "EACCES", syscall: "stat", path: p });
    return statSync(p, ...rest);
  };
  fs.existsSync = (p) => !denied(p) && existsSync(p);
  syncBuiltinESMExports();
  try {
    assert.equal(await readSms(backup), `HomeDomain/Library/SMS/sms.db: payload ${smsId.slice(0, 2)}/${smsId} cannot be read (EACCES)`);
  } finally {
    fs.statSync = statSync;
    fs.existsSync = existsSync;
    syncBuiltinESMExports();
  }
  rmSync(folder, { recursive: true });
  assert.match(await readSms(backup), /payload .* is missing from the backup folder/);
});
