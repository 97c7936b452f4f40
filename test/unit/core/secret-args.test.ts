// The command line as recorded and as shown to other users: every secret option's value is "***".
import assert from "node:assert/strict";
import { test } from "node:test";
import { hasSecretArgs, redactArgs } from "../../../src/core/secret-args.mjs";

test("every way of giving a password on the command line is replaced by ***", () => {
  const cases: [string[], string[]][] = [
    [["check-backup", "b", "--password", "s3"], ["check-backup", "b", "--password", "***"]],
    [["check-backup", "b", "--password=s3"], ["check-backup", "b", "--password=***"]],
    [["check-backup", "b", "-p", "s3", "-q"], ["check-backup", "b", "-p", "***", "-q"]],
    [["check-backup", "b", "-ps3"], ["check-backup", "b", "-p***"]],
    [["check-backup", "b", "-qp", "s3"], ["check-backup", "b", "-qp", "***"]],
    [["check-backup", "b", "-qps3"], ["check-backup", "b", "-qp***"]],
    [["check-androidqf", "a", "--passphrase", "s3", "--backup-password", "s4"], ["check-androidqf", "a", "--passphrase", "***", "--backup-password", "***"]],
    [["check-androidqf", "a", "--passphrase=s3", "--backup-password=s4"], ["check-androidqf", "a", "--passphrase=***", "--backup-password=***"]],
    [["extract-key", "b", "-p", "s3", "--key-file-out", "k"], ["extract-key", "b", "-p", "***", "--key-file-out", "k"]],
  ];
  for (const [args, shown] of cases) {
    assert.deepEqual(redactArgs(args), shown, args.join(" "));
    assert.equal(hasSecretArgs(args), true);
  }
});

test("other options and operands are kept as given", () => {
  const plain = ["check-backup", "b", "-o", "out-p", "-i", "p", "-m", "sms", "--key-file", "k.txt", "--identity", "id.txt", "-j", "2", "--", "-p"];
  assert.deepEqual(redactArgs(plain), plain);
  assert.equal(hasSecretArgs(plain), false);
  // "-ip" is -i with the value "p", not -p.
  assert.deepEqual(redactArgs(["check-backup", "b", "-ip"]), ["check-backup", "b", "-ip"]);
});

test("the password of a URL given with credentials (the case archive) is replaced by ***", () => {
  const url = "postgres://vigil:s3cr%40t@127.0.0.1:5432/team";
  assert.deepEqual(redactArgs(["case", "add", "c", "b", "--archive", url]), ["case", "add", "c", "b", "--archive", "postgres://vigil:***@127.0.0.1:5432/team"]);
  assert.deepEqual(redactArgs(["hunt", "x.example", `--archive=${url}`]), ["hunt", "x.example", "--archive=postgres://vigil:***@127.0.0.1:5432/team"]);
  assert.equal(hasSecretArgs(["case", "list", "--archive", url]), true);
  // A URL without a password, and a path holding "@", are kept.
  const plain = ["case", "list", "--archive", "postgres://vigil@127.0.0.1/team", "/cases/a:b@c"];
  assert.deepEqual(redactArgs(plain), plain);
});
