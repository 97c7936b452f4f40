// processes, files, root_binaries, mounts (androidqf bundle files).
import { test } from "node:test";
import assert from "node:assert/strict";
import processes from "../../../../src/modules/android/processes.ts";
import files, { TMP_FILE_RULE } from "../../../../src/modules/android/files.ts";
import rootBinaries, { ROOT_BINARY_RULE } from "../../../../src/modules/android/root-binaries.ts";
import mounts, { RW_SYSTEM_RULE } from "../../../../src/modules/android/mounts.ts";
import { qf, run } from "../../../helpers/android-views.ts";

const PS = `USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME
root             1     0   57912   2084 0                   0 S init
root             2     0       0      0 0                   0 S [kthreadd]
u0_a123       4242   700 1234567  89012 0                   0 S com.spy.agent:remote
shell         5000   700    1000    100 0                   0 S /data/local/tmp/bh
`;

test("processes: process indicators strong (names, basenames of paths); clean names not flagged", async () => {
  const r = await run(processes, qf({ "ps.txt": PS }), { process: ["bh", "com.spy.agent:remote"] });
  assert.equal(r.records.length, 4);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]).sort(), [["strong", "bh"], ["strong", "com.spy.agent:remote"]]);
  const clean = await run(processes, qf({ "ps.txt": PS }), { process: ["pegasusd"] });
  assert.equal(clean.detections.length, 0);
});

test("processes: a 15-character name that prefixes an indicator is a truncated match (one grade lower)", async () => {
  const ps = "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 9 1 0 0 0 0 S abcdefghijklmno\n";
  const r = await run(processes, qf({ "ps.txt": ps }), { process: ["abcdefghijklmnopqrs"] });
  assert.deepEqual(r.detections.map((d) => d.grade), ["medium"]);
});

test("processes: collector JSON (in processes.txt): command line, executable path and comm checked; not-ps text is a one-line error", async () => {
  const json = JSON.stringify([
    { pid: 1, uid: 0, ppid: 0, filename: "(init)", path: "/system/bin/init", context: "u:r:init:s0", command_line: ["/system/bin/init", "second_stage"] },
    { pid: 2, uid: 0, ppid: 0, filename: "(kthreadd)", path: "", command_line: null },
    { pid: 300, uid: 10200, ppid: 1, filename: "(com.whatsapp)", path: "", command_line: ["com.whatsapp"] },
    { pid: 301, uid: 0, ppid: 1, filename: "(dropper)", path: "/data/local/tmp/bh", command_line: ["/proc/self/fd/3"] },
    { pid: 302, uid: 0, ppid: 1, filename: "(abcdefghijklmno)", path: "", command_line: null },
  ]);
  const r = await run(processes, qf({ "processes.txt": json }), { process: ["bh", "com.whatsapp-spy", "abcdefghijklmnopq"] });
  assert.equal(r.records.length, 5);
  assert.deepEqual((r.records as { proc_name: string }[]).map((p) => p.proc_name), ["/system/bin/init", "kthreadd", "com.whatsapp", "/proc/self/fd/3", "abcdefghijklmno"]);
  assert.deepEqual(r.detections.map((d) => [d.grade, d.matched]), [["strong", "bh"], ["medium", "abcdefghijklmno"]]);
  const j2 = await run(processes, qf({ "processes.json": JSON.stringify([{ pid: 3, ppid: 1, name: "bh", user: "root" }]) }), { process: ["bh"] });
  assert.equal(j2.detections.length, 1);
  const badJson = await run(processes, qf({ "processes.txt": "[{" }));
  assert.equal(badJson.coverage.reason, "processes.txt: not valid JSON (expected a list of processes; truncated?)");
  const bad = await run(processes, qf({ "ps.txt": "error: device offline\n" }));
  assert.equal(bad.coverage.reason, 'ps.txt: not a ps output (no "USER PID PPID ..." header)');
});

const FILES = [
  { path: "/sdcard/.spy/config.db", size: 10, mode: "-rw-rw----", modified_time: 1593109532, sha256: "" },
  { path: "/data/local/tmp/exploit", size: 10, mode: "-rwxr-xr-x", modified_time: 1593109532, sha256: "e".repeat(64) },
  { path: "/data/local/tmp/collector", size: 10, mode: "-rwxr-xr-x", modified_time: 1593109532 },
  { path: "/sdcard/DCIM/photo.jpg", size: 10, mode: "-rw-rw----", modified_time: 1593109532 },
];

test("files: path and hash indicators strong; /data/local/tmp flagged medium except androidqf's own collector", async () => {
  const r = await run(files, qf({ "files.json": JSON.stringify(FILES) }), { file_path: ["/sdcard/.spy"], sha256: ["e".repeat(64)] });
  assert.equal(r.records.length, 4);
  const got = r.detections.map((d) => [d.kind, d.grade, d.matched]).sort();
  assert.deepEqual(got, [
    ["heuristic", "medium", "/data/local/tmp/exploit"],
    ["indicator", "strong", "/sdcard/.spy/config.db"],
    ["indicator", "strong", "e".repeat(64)],
  ]);
  assert.ok(r.detections.some((d) => d.rule?.id === TMP_FILE_RULE.id));
  assert.equal(r.events.filter((e) => e.event === "file_modified").length, 4);
  assert.equal(r.events[0].timestamp, "2020-06-25T18:25:32.000Z");
});

test("files: truncated files.json is a one-line error", async () => {
  const r = await run(files, qf({ "files.json": '[{"path":"/a"' }));
  assert.equal(r.coverage.reason, "files.json: not valid JSON (expected a list of files; truncated)");
});

test("root_binaries: each binary flagged medium; an empty list flags nothing; bad JSON fails", async () => {
  const r = await run(rootBinaries, qf({ "root_binaries.json": JSON.stringify(["/system/bin/su", "/data/local/tmp/magisk"]) }));
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade]), [[ROOT_BINARY_RULE.id, "medium"], [ROOT_BINARY_RULE.id, "medium"]]);
  const none = await run(rootBinaries, qf({ "root_binaries.json": "[]" }));
  assert.equal(none.coverage.status, "checked");
  assert.equal(none.detections.length, 0);
  const bad = await run(rootBinaries, qf({ "root_binaries.json": "su found" }));
  assert.equal(bad.coverage.reason, "root_binaries.json: not valid JSON (expected a list of paths; truncated?)");
});

test("mounts: read-write system partition flagged medium; read-only and data partitions not", async () => {
  const lines = [
    "/dev/block/dm-0 on / type ext4 (ro,seclabel,relatime)",
    "/dev/block/dm-1 on /system type ext4 (rw,seclabel,relatime)",
    "/dev/block/dm-2 on /vendor type erofs (ro,seclabel)",
    "/dev/block/dm-5 on /data type f2fs (rw,seclabel,nosuid)",
    "tmpfs on /apex type tmpfs (rw,seclabel,nosuid,nodev,noexec,relatime,mode=755)",
    "rootfs on / type rootfs (rw,seclabel)",
  ];
  const r = await run(mounts, qf({ "mounts.json": JSON.stringify(lines) }));
  assert.equal(r.records.length, 6);
  assert.deepEqual(r.detections.map((d) => [d.rule?.id, d.grade, d.title]), [[RW_SYSTEM_RULE.id, "medium", "System partition mounted read-write: /system (/dev/block/dm-1)"]]);
  const bad = await run(mounts, qf({ "mounts.json": "{" }));
  assert.equal(bad.coverage.reason, "mounts.json: not valid JSON (expected a list of mount lines; truncated?)");
});

test("aqf_processes records: MVT's ps column names beside Vigil's", async () => {
  const r = await run(processes, qf({ "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1000 20 SyS_epoll 0 S init\n" }));
  const rec = r.records[0] as Record<string, unknown>;
  assert.deepEqual([rec.vsz, rec.virtual_memory_size, rec.rss, rec.resident_set_size, rec.addr, rec.aprocress, rec.state, rec.stat, rec.proc_name], [1000, 1000, 20, 20, "0", "0", "S", "S", "init"]);
});

test("files, root_binaries, mounts: entries that are not a path or a line are counted, never dropped in silence", async () => {
  const f = await run(files, qf({ "files.json": JSON.stringify([{ path: 5, sha256: "a".repeat(64) }, { path: "/data/x" }, null, 3]) }));
  assert.equal(f.records.length, 1);
  assert.deepEqual([f.coverage.status, f.coverage.skipped], ["failed", 3]);
  assert.match(f.coverage.reason ?? "", /files\.json: 3 entries without a path/);
  const rb = await run(rootBinaries, qf({ "root_binaries.json": JSON.stringify(["/system/xbin/su", { path: "/sbin/magisk" }, ""]) }));
  assert.equal(rb.records.length, 1);
  assert.deepEqual([rb.coverage.status, rb.coverage.skipped], ["failed", 1]);
  assert.match(rb.coverage.reason ?? "", /root_binaries\.json: 1 entry is not a path/);
  const m = await run(mounts, qf({ "mounts.json": JSON.stringify(["/dev/block/dm-1 on /system type ext4 (rw)", { line: "/dev/x on /vendor type ext4 (rw)" }]) }));
  assert.equal(m.records.length, 1);
  assert.deepEqual(m.warnings, ["mounts.json: 1 line(s) not in mount format were skipped"]);
});
