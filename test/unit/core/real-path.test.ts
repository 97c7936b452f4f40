import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isInside, realPath } from "../../../src/core/real-path.ts";

test("realPath resolves symlinks on the existing part of a path that does not exist yet", () => {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), "vigil-real-path-")));
  mkdirSync(join(tmp, "target"));
  symlinkSync(join(tmp, "target"), join(tmp, "a-link"));
  assert.equal(realPath(join(tmp, "a-link", "x", "y")), join(tmp, "target", "x", "y"));
  assert.equal(realPath(join(tmp, "a-link")), join(tmp, "target"));
  assert.equal(realPath("/"), "/");
  assert.ok(isInside(join(tmp, "a-link", "new"), join(tmp, "target")));
  assert.ok(isInside(join(tmp, "target"), join(tmp, "a-link")));
  assert.ok(!isInside(join(tmp, "targetx"), join(tmp, "target")));
});
