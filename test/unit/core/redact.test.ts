import { test } from "node:test";
import assert from "node:assert/strict";
import { redactArgs, redactText } from "../../../src/core/redact.ts";

test("redactArgs: secret option values, URL passwords and PASSWORD= assignments become ***; the rest is kept", () => {
  assert.deepEqual(redactArgs(["check-backup", "b", "--password", "hunter2", "-o", "out"]), ["check-backup", "b", "--password", "***", "-o", "out"]);
  assert.deepEqual(redactArgs(["check", "x", "-p", "pw", "--passphrase=age pass", "--backup-password", "abpw"]), ["check", "x", "-p", "***", "--passphrase=***", "--backup-password", "***"]);
  assert.deepEqual(redactArgs(["case", "add", "--archive", "postgres://vigil:s3cret@db.example/vigil", "c"]), ["case", "add", "--archive", "postgres://vigil:***@db.example/vigil", "c"]);
  assert.deepEqual(redactArgs(["--key-file", "key.txt", "--identity", "id.txt"]), ["--key-file", "key.txt", "--identity", "id.txt"], "files naming a secret are not secrets");
  assert.equal(redactText("VIGIL_BACKUP_PASSWORD=abc vigil check x"), "VIGIL_BACKUP_PASSWORD=*** vigil check x");
  assert.equal(redactText("Checking ios backup /tmp/b (encrypted)"), "Checking ios backup /tmp/b (encrypted)");
});
