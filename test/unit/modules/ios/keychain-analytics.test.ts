// Regression test found by fuzzing (npm run fuzz, target module:keychain_analytics).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../../src/core/errors.ts";
import keychainAnalytics from "../../../../src/modules/ios/keychain-analytics.ts";
import { damagedDb, walk } from "./damaged-db.ts";

test("a damaged page of a keychain analytics database fails the module with a one-line VigilError naming the file", async () => {
  const db = damagedDb("CREATE TABLE hard_failures (timestamp REAL, data BLOB);", (d) => {
    const ins = d.prepare("INSERT INTO hard_failures VALUES (?, ?)");
    for (let i = 0; i < 400; i++) ins.run(700000000 + i, Buffer.alloc(60, 1));
  });
  await assert.rejects(walk(keychainAnalytics, { path: "private/var/Keychains/Analytics/ckks_analytics.db" }, db, "ios_fs"), (e: unknown) => e instanceof VigilError && /ckks_analytics\.db: cannot read database: database disk image is malformed/.test(e.oneLine()));
});
