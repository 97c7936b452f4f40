import { test } from "node:test";
import assert from "node:assert/strict";
import { redactText } from "../../../src/core/redact.ts";

test("redactText: URL passwords and PASSWORD= assignments in a log line become ***; the rest is kept", () => {
  assert.equal(redactText("archive postgres://vigil:s3cret@db.example/vigil opened"), "archive postgres://vigil:***@db.example/vigil opened");
  assert.equal(redactText("VIGIL_BACKUP_PASSWORD=abc vigil check x"), "VIGIL_BACKUP_PASSWORD=*** vigil check x");
  assert.equal(redactText("Checking ios backup /tmp/b (encrypted)"), "Checking ios backup /tmp/b (encrypted)");
});
