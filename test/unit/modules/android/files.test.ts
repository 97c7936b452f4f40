// Physical-access traces in androidqf's file listing (the other checks are in android-modules/).
import { test } from "node:test";
import assert from "node:assert/strict";
import files, { FORENSIC_FILES_RULE } from "../../../../src/modules/android/files.ts";
import { qf, run } from "../../../helpers/android-views.ts";

const entry = (path: string, modified = 1730534400, mode = "-rw-------") => ({ path, size: 10, mode, user_id: 0, group_id: 0, changed_time: modified, modified_time: modified, access_time: modified, sha256: "" });

test("files: folders of a forensic agent are flagged once per package, wherever they are; look-alikes are not", async () => {
  const r = await run(
    files,
    qf({
      "files.json": JSON.stringify([
        entry("/data/app/~~Qx9==/com.client.appA-Zk1==/base.apk"),
        entry("/data/data/com.client.appA/files/cache.bin"),
        entry("/sdcard/Android/data/com.client.appA/files/out.zip"),
        entry("/sdcard/Download/com.client.appA.txt"),
        entry("/data/data/com.client.appAB/x"),
        entry("/sdcard/Notes/com.client.appA/readme"),
      ]),
    }),
  );
  assert.equal(r.coverage.status, "checked", r.coverage.reason);
  const hits = r.detections.filter((d) => d.rule?.id === FORENSIC_FILES_RULE.id);
  assert.deepEqual(hits.map((d) => [d.matched, d.grade, d.timestamp]), [["/data/app/~~Qx9==/com.client.appA-Zk1==/base.apk", "medium", "2024-11-02T08:00:00.000Z"]]);
  // A folder named like the agent outside the app folders is only a name.
  const elsewhere = await run(files, qf({ "files.json": JSON.stringify([entry("/sdcard/Notes/com.client.appA/readme"), entry("/data/local/com.client.appA")]) }));
  assert.equal(elsewhere.detections.length, 0);
});

test("files: a change of the trusted adb keys is an adb_keys_modified event", async () => {
  const r = await run(files, qf({ "files.json": JSON.stringify([entry("/data/misc/adb/adb_keys", 1730534400), entry("/data/misc/adb/other", 1730534400)]) }));
  assert.deepEqual(r.events.map((e) => [e.event, e.timestamp]), [
    ["adb_keys_modified", "2024-11-02T08:00:00.000Z"],
    ["file_modified", "2024-11-02T08:00:00.000Z"],
  ]);
  assert.equal(r.detections.length, 0);
});
