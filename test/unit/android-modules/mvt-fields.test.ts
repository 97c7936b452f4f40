// MVT's field names in Android module records, beside Vigil's own (never renamed away).
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import packages from "../../../src/modules/android/packages.ts";
import processes from "../../../src/modules/android/processes.ts";
import sms from "../../../src/modules/android/sms.ts";
import { SMS_BACKUP_PATH } from "../../helpers/android-builder.ts";
import { ab, qf, run } from "./helpers.ts";

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

test("aqf_processes records: MVT's ps column names beside Vigil's", async () => {
  const r = await run(processes, qf({ "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1000 20 SyS_epoll 0 S init\n" }));
  const rec = r.records[0] as Record<string, unknown>;
  assert.deepEqual([rec.vsz, rec.virtual_memory_size, rec.rss, rec.resident_set_size, rec.addr, rec.aprocress, rec.state, rec.stat, rec.proc_name], [1000, 1000, 20, 20, "0", "0", "S", "S", "init"]);
});

test("Android backup sms records: MVT's date, date_sent and links beside Vigil's fields", async () => {
  const data = deflateSync(Buffer.from(JSON.stringify([{ address: "+15550001", body: "see https://example.org/x.", date: "1700000000000", date_sent: "0", type: "1" }])));
  const r = await run(sms, ab({ [SMS_BACKUP_PATH]: data }));
  const rec = r.records[0] as Record<string, unknown>;
  assert.equal(rec.date, "1700000000000");
  assert.equal(rec.date_sent, "0");
  assert.deepEqual(rec.links, ["https://example.org/x"]);
  assert.equal(rec.isodate, "2023-11-14T22:13:20.000Z");
  assert.equal(rec.direction, "received");
});
