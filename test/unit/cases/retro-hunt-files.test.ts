// Retro-hunt files saved in a case folder, read back for the case report: a file of another
// shape is a problem naming it and what was expected, never a JavaScript error.
import assert from "node:assert/strict";
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { RETRO_HUNTS_DIR, retroHuntDetections, saveRetroHunt, type RetroMatch } from "../../../src/cases/retro-hunt-files.ts";
import { testDir } from "../../helpers/archive-builder.ts";

const MATCH: RetroMatch = {
  acquisition: "01-ios_backup",
  module: "sms",
  field: "links",
  value: "https://late.evil.example/x",
  kind: "url",
  first_seen: "2024-04-20T09:00:00.000Z",
  count: 1,
  indicator: { value: "late.evil.example", type: "domain", set: "Late set", source: "late.stix2", sha256: "ab".repeat(32) },
  grade: "medium",
};

test("a saved hunt is read back as detections; damaged ones are named with what was expected", () => {
  const dir = testDir("vigil-retro-files");
  const path = saveRetroHunt(dir, { ran: "2024-05-01T10:00:00.000Z", indicators: "snapshot x", matches: [MATCH] });
  assert.equal(existsSync(`${path}.partial`), false);
  writeFileSync(join(dir, RETRO_HUNTS_DIR, "b.json"), JSON.stringify({ ran: "2024-05-02T10:00:00.000Z", matches: [{ ...MATCH, indicator: undefined }] }));
  writeFileSync(join(dir, RETRO_HUNTS_DIR, "c.json"), "[1, 2");
  const r = retroHuntDetections(dir);
  assert.deepEqual(r.detections.map((d) => [d.module, d.matched, d.matched_indicator?.name]), [["sms", "https://late.evil.example/x", "Late set"]]);
  assert.equal(r.problems.length, 2);
  assert.equal(r.problems[0], "retro-hunts/b.json: not a retro-hunt file (ran, matches with their indicator and grade): matches[0].indicator: missing");
  assert.match(r.problems[1], /^retro-hunts\/c\.json: malformed JSON: \S/);
});

test("retro-hunts that is a file, or a link looping on itself or to nothing: a problem naming it, not a raw ENOTDIR nor matches left out unsaid", () => {
  const codes = { file: "ENOTDIR", loop: "ELOOP", dangling: "ENOENT" };
  for (const [variant, make] of [
    ["file", (p: string) => writeFileSync(p, "not a folder")],
    ["loop", (p: string) => symlinkSync(RETRO_HUNTS_DIR, p)],
    ["dangling", (p: string) => symlinkSync("nothing-there", p)],
  ] as const) {
    const dir = testDir(`vigil-retro-${variant}`);
    make(join(dir, RETRO_HUNTS_DIR));
    const r = retroHuntDetections(dir);
    assert.deepEqual(r.detections, []);
    assert.deepEqual(r.problems, [`retro-hunts: not a folder that can be read (${codes[variant]})`], variant);
  }
  // No retro-hunt yet: nothing to say.
  assert.deepEqual(retroHuntDetections(testDir("vigil-retro-none")), { detections: [], problems: [] });
});
