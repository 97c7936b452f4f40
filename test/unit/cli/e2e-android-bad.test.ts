// End to end through the `vigil` command on bad Android inputs: each gives exactly one line
// naming the file and the problem, exit 1, no stack trace, and the input is left unchanged.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, test } from "node:test";
import { buildZip, testDir, writeTemp } from "../../helpers/archive-builder.ts";
import { androidqfFiles, buildAb, SMS_BACKUP_PATH, zipOf } from "../../helpers/android-builder.ts";
import { runVigil as vigil, type VigilRun as Run } from "../../helpers/evidence.ts";

const BIN = resolve(import.meta.dirname, "../../../bin/vigil.js");
const dir = testDir("vigil-e2e-android-bad");


const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const cases: { name: string; args: string[]; file: string; error: RegExp }[] = [];
const runs = new Map<string, Run>();
const hashes = new Map<string, string>();

before(async () => {
  writeFileSync(join(dir, "domains.txt"), "evil-c2.example\n");
  const sms = JSON.stringify([{ address: "+15550001", body: "hi", date: "1700000000000", type: "1" }]);
  const ab = await buildAb([{ name: SMS_BACKUP_PATH, data: sms }]);
  const truncAb = writeTemp(dir, "trunc.ab", ab.subarray(0, Math.floor(ab.length / 2)));
  const encAb = writeTemp(dir, "enc.ab", await buildAb([{ name: SMS_BACKUP_PATH, data: sms }], { password: "123456", rounds: 10 }));
  const bundle = zipOf(androidqfFiles());
  const truncZip = writeTemp(dir, "trunc.zip", bundle.subarray(0, Math.floor(bundle.length * 0.6)));
  const dotdot = writeTemp(dir, "dotdot.zip", buildZip([{ name: "getprop.txt", data: "[ro.build.version.sdk]: [34]\n" }, { name: "../escape.txt", data: "x" }]));
  const link = writeTemp(
    dir,
    "link.zip",
    buildZip([
      { name: "getprop.txt", data: "[ro.build.version.sdk]: [34]\n" },
      { name: "packages.json", data: "../../../etc/passwd", mode: 0o120777 },
    ]),
  );
  const notJson = writeTemp(dir, "not-json.log", Buffer.from("this is not json\nneither is this\n"));
  const empty = writeTemp(dir, "empty.jsonl", Buffer.alloc(0));
  cases.push(
    { name: "truncated .ab", args: ["check-backup", truncAb], file: truncAb, error: /trunc\.ab: .*truncated/ },
    { name: "wrong .ab password", args: ["check-backup", encAb, "--password", "nope"], file: encAb, error: /enc\.ab: wrong password/ },
    { name: "truncated zip", args: ["check-androidqf", truncZip], file: truncZip, error: /trunc\.zip: not a readable zip archive/ },
    { name: "zip with ../", args: ["check-androidqf", dotdot], file: dotdot, error: /dotdot\.zip: refused unsafe archive entry "\.\.\/escape\.txt"/ },
    { name: "zip with an escaping symlink", args: ["check-androidqf", link], file: link, error: /link\.zip: refused unsafe archive entry "packages\.json": symlink/ },
    { name: "non-JSON intrusion log", args: ["check-intrusion-logs", notJson], file: notJson, error: /not-json\.log: not an intrusion log/ },
    { name: "empty intrusion log", args: ["check-intrusion-logs", empty], file: empty, error: /empty\.jsonl: not an intrusion log/ },
  );
  for (const c of cases) hashes.set(c.file, sha(c.file));
  const done = await Promise.all(cases.map(async (c) => [c.name, await vigil([...c.args, "-o", join(dir, `out-${c.name.replace(/\W+/g, "-")}`)])] as const));
  for (const [k, r] of done) runs.set(k, r);
});

test("each bad Android input: exit 1, one line naming the file and the problem, no results, input unchanged", () => {
  for (const c of cases) {
    const r = runs.get(c.name)!;
    assert.equal(r.status, 1, `${c.name}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${c.name}: ${r.stderr}`);
    assert.match(lines[0], /^vigil: error: /, c.name);
    assert.match(lines[0], c.error, c.name);
    assert.equal(existsSync(join(dir, `out-${c.name.replace(/\W+/g, "-")}`, "summary.json")), false, c.name);
    assert.equal(sha(c.file), hashes.get(c.file), `${c.name}: input changed`);
  }
});
