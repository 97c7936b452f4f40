// Regression test found by fuzzing (npm run fuzz, target module:interactionc).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../../src/core/errors.ts";
import interactionc from "../../../../src/modules/ios/interactionc.ts";
import { damagedDb, walk } from "./damaged-db.ts";

test("a damaged page of interactionC.db fails the module with a one-line VigilError naming the file", async () => {
  const db = damagedDb("CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSTARTDATE REAL, ZBUNDLEID TEXT);", (d) => {
    const ins = d.prepare("INSERT INTO ZINTERACTIONS (ZSTARTDATE, ZBUNDLEID) VALUES (?, ?)");
    for (let i = 0; i < 400; i++) ins.run(700000000 + i, "com.apple.MobileSMS".padEnd(60, "x"));
  });
  await assert.rejects(walk(interactionc, { domain: "HomeDomain", relativePath: "Library/CoreDuet/People/interactionC.db" }, db), (e: unknown) => e instanceof VigilError && /^HomeDomain\/Library\/CoreDuet\/People\/interactionC\.db: cannot read database: database disk image is malformed/.test(e.oneLine()));
});
