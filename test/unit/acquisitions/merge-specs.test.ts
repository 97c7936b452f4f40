import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeSpecs } from "../../../src/acquisitions/spec-match.ts";

test("mergeSpecs: one spec naming what any of the modules read, each glob, entry and section once", () => {
  const merged = mergeSpecs([
    { backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }], fs: ["private/var/mobile/Library/SMS/sms.db"] },
    { backup: [{ domain: "HomeDomain", path: "Library/SMS/sms.db" }, { domain: "AppDomain-*", path: "**" }], whole: ["ios_backup"] },
    { androidqf: ["dumpsys.txt"], dumpsys: ["adb", "package"] },
    { androidqf: ["dumpsys.txt", "getprop.txt"], dumpsys: ["package"], whole: ["ios_backup", "ios_fs"] },
    {},
  ]);
  assert.deepEqual(merged, {
    backup: [
      { domain: "HomeDomain", path: "Library/SMS/sms.db" },
      { domain: "AppDomain-*", path: "**" },
    ],
    fs: ["private/var/mobile/Library/SMS/sms.db"],
    whole: ["ios_backup", "ios_fs"],
    androidqf: ["dumpsys.txt", "getprop.txt"],
    dumpsys: ["adb", "package"],
  });
  assert.deepEqual(mergeSpecs([]), {});
});
