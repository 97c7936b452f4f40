// Regression test found by fuzzing (npm run fuzz, targets module:datausage and module:netusage).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../../../src/core/errors.ts";
import datausage from "../../../../../src/modules/ios/datausage.ts";
import { PROCESS_USAGE_DDL } from "../../../../helpers/system-fixtures.ts";
import { damagedDb, walk } from "../damaged-db.ts";

test("a damaged page of DataUsage.sqlite fails the module with a one-line VigilError naming the file", async () => {
  const db = damagedDb(PROCESS_USAGE_DDL, (d) => {
    const ins = d.prepare("INSERT INTO ZPROCESS (ZPROCNAME, ZBUNDLENAME, ZFIRSTTIMESTAMP, ZTIMESTAMP) VALUES (?, ?, ?, ?)");
    for (let i = 0; i < 400; i++) ins.run(`proc-${i}`.padEnd(60, "x"), null, 600000000 + i, 600000000 + i);
  });
  await assert.rejects(walk(datausage, { domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite" }, db), (e: unknown) => e instanceof VigilError && /DataUsage\.sqlite: cannot read database: database disk image is malformed/.test(e.oneLine()));
});
