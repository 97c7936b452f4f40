// Progress lines: text for people (transient lines only on a terminal), JSON lines for programs
// (every line, with the module step), and --progress refused when it names another format.
import assert from "node:assert/strict";
import { test } from "node:test";
import { join } from "node:path";
import { buildIosBackup } from "../../../src/acquisitions/ios-backup/build.ts";
import { makeProgress } from "../../../src/pipeline/progress.ts";
import { testDir } from "../../helpers/archive-builder.ts";
import { runVigil } from "../../helpers/evidence.ts";

function captured(fn: () => void): string {
  const write = process.stderr.write;
  let out = "";
  process.stderr.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return out;
}

test("json: one object a line, transient lines and steps included; quiet writes nothing", () => {
  const out = captured(() => {
    const p = makeProgress(false, "json");
    p("[1/2] sms", true, { module: "sms", index: 1, total: 2 });
    p("[1/2] sms: 3 records (1 ms)", false, { module: "sms", index: 1, total: 2, status: "checked", records: 3 });
    p("Indicators: 1 sets");
    makeProgress(true, "json")("hidden");
  });
  assert.deepEqual(
    out.split("\n").filter(Boolean).map((l) => JSON.parse(l)),
    [
      { progress: "[1/2] sms", transient: true, step: { module: "sms", index: 1, total: 2 } },
      { progress: "[1/2] sms: 3 records (1 ms)", step: { module: "sms", index: 1, total: 2, status: "checked", records: 3 } },
      { progress: "Indicators: 1 sets" },
    ],
  );
});

test("text off a terminal: lasting lines only, no step", () => {
  const out = captured(() => {
    const p = makeProgress(false);
    p("[1/2] sms", true, { module: "sms", index: 1, total: 2 });
    p("done");
  });
  assert.equal(process.stderr.isTTY ? out.replace(/\r\x1b\[K/g, "").replace("[1/2] sms", "") : out, "done\n");
});

test("--progress with an unknown format is a usage error before any work", async () => {
  const dir = testDir("vigil-progress");
  const backup = (await buildIosBackup(join(dir, "b"), { files: [] })).dir;
  const r = await runVigil(["check-backup", backup, "--progress", "xml", "-o", join(dir, "out")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /vigil: error: --progress xml: expected text or json/);
});
