// Regression tests for NSKeyedArchiver decoding found by fuzzing (npm run fuzz, target nskeyedarchiver).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { unarchive, type PlistValue } from "../../../src/formats/plist.ts";

const archive = (root: Record<string, PlistValue>): PlistValue => ({ $archiver: "NSKeyedArchiver", $version: 100000, $top: { root: { UID: 1 } }, $objects: ["$null", root] });

test("a dictionary whose NS.objects is not an array is a VigilError naming the file", () => {
  assert.throws(
    () => unarchive(archive({ "NS.keys": [], "NS.objects": "x" }), "state.plist"),
    (e: unknown) => e instanceof VigilError && e.oneLine() === "state.plist: keyed archive NS.objects is not an array",
  );
});

test("an array whose NS.objects is not an array, and NS.keys that is not one, likewise", () => {
  assert.throws(() => unarchive(archive({ "NS.objects": 7 }), "a.plist"), (e: unknown) => e instanceof VigilError && e.message === "keyed archive NS.objects is not an array");
  assert.throws(() => unarchive(archive({ "NS.keys": { UID: 0 }, "NS.objects": [] }), "a.plist"), (e: unknown) => e instanceof VigilError && e.message === "keyed archive NS.keys is not an array");
});

test("well-formed collections still decode", () => {
  assert.deepEqual(unarchive({ $archiver: "NSKeyedArchiver", $version: 100000, $top: { root: { UID: 1 } }, $objects: ["$null", { "NS.keys": [{ UID: 2 }], "NS.objects": [{ UID: 3 }] }, "k", "v"] }, "a.plist"), { k: "v" });
});
