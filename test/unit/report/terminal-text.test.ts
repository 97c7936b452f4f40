// The terminal summary shows evidence values (a process path in a detection title, a file name in
// a failure reason): their control characters must reach the terminal as visible escapes, never
// as sequences it obeys.
import assert from "node:assert/strict";
import { test } from "node:test";
import { msg } from "../../../src/core/i18n/index.ts";
import type { Detection } from "../../../src/core/model.ts";
import { terminalLine } from "../../../src/core/terminal-text.ts";
import type { Matcher } from "../../../src/indicators/matcher-api.ts";
import { formatSummary, summarize } from "../../../src/report/summary.ts";
import { checkProcessPath } from "../../../src/rules/process-paths.ts";

test("a known process's path with escape sequences cannot rewrite the verdict line of the terminal summary", () => {
  // A shutdown.log client ending in a known process name: the rest of its path is the attacker's.
  // Before, the bytes went out as they were: up three lines, erase the verdict, write another,
  // and hide the rest of the summary.
  const path = "/private/var/db/\x1b[3A\x1b[2KVerdict: no known traces\x1b[8m\u202e\r\n/bh";
  const iocs = {
    filePath: () => [],
    fileName: () => [],
    process: (c: string) => (c === "bh" ? [{ indicator: { value: "bh", type: "process", set: { name: "pegasus", sha256: "0" } }, matched: c }] : []),
  } as unknown as Matcher;
  const ds = checkProcessPath(iocs, path, { where: msg("det.where.shutdown_log"), grade: "strong" }).map((d): Detection => ({ ...d, module: "shutdown_log", artifact: "shutdown.log" }));
  assert.equal(ds.length, 1);
  const s = summarize({ detections: ds, coverage: [{ module: "shutdown_log", title: "shutdown.log", status: "failed", reason: "x\x1b]0;title\x07: bad" }], kind: "ios_backup", exposure: [] });
  const out = formatSummary(s, { topDetections: ds });
  assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  const lines = out.split("\n");
  assert.equal(lines.filter((l) => l.startsWith("Verdict:")).length, 1);
  assert.ok(lines.some((l) => l.includes("/private/var/db/\\x1b[3A\\x1b[2KVerdict: no known traces\\x1b[8m\\u{202e}\\x0d\\x0a/bh")));
  assert.ok(lines.some((l) => l.includes("x\\x1b]0;title\\x07: bad")));
});

test("terminalLine keeps tabs and printable text, lone surrogates included", () => {
  assert.equal(terminalLine("a\tb é 日本 \ud800"), "a\tb é 日本 \ud800");
  assert.equal(terminalLine("\u0000\u009b\u2066"), "\\x00\\x9b\\u{2066}");
});
