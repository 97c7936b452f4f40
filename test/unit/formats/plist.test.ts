// Damaged plists get a precise one-line message: a cycle or too deep a nesting, a truncated
// binary plist (never "Maximum call stack size exceeded" or "maxObjectCount exceeded"), keyed
// archive collections of the wrong type (found by fuzzing: npm run fuzz, target nskeyedarchiver).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { parsePlist, unarchive, type PlistValue } from "../../../src/formats/plist.ts";
import { writeBplist } from "../../../src/formats/bplist-writer.ts";

/** A binary plist of one array (object 0) holding `refs`, one byte each. */
function bplistArray(refs: number[]): Buffer {
  const head = Buffer.from("bplist00");
  const obj = Buffer.from([0xa0 | refs.length, ...refs]);
  const table = Buffer.from([head.length]);
  const trailer = Buffer.alloc(32);
  trailer[6] = 1; // offset size
  trailer[7] = 1; // object reference size
  trailer.writeBigUInt64BE(1n, 8); // objects
  trailer.writeBigUInt64BE(0n, 16); // top object
  trailer.writeBigUInt64BE(BigInt(head.length + obj.length), 24); // offset table
  return Buffer.concat([head, obj, table, trailer]);
}

const oneLine = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VigilError, String(e));
    return e.oneLine();
  }
  assert.fail("expected a VigilError");
};

test("a binary plist whose array contains itself", () => {
  assert.equal(oneLine(() => parsePlist(bplistArray([0]), "x.plist")), "x.plist: malformed plist: an object contains itself (a cycle) or objects nest too deep");
});

test("a truncated binary plist", () => {
  const whole = writeBplist({ a: "b".repeat(200), c: [1, 2, 3] } as never);
  assert.deepEqual(parsePlist(whole), { a: "b".repeat(200), c: [1, 2, 3] });
  for (const cut of [whole.length - 1, whole.length - 40, 60, 30]) {
    assert.match(oneLine(() => parsePlist(whole.subarray(0, cut), "y.plist")), /^y\.plist: malformed plist: truncated (or damaged )?binary plist \(/, `cut at ${cut}`);
  }
});

test("a keyed archive nested deeper than the stack", () => {
  const objects: PlistValue[] = ["$null"];
  const n = 200_000;
  for (let i = 1; i <= n; i++) objects.push({ "NS.objects": i < n ? [{ UID: i + 1 }] : [] });
  const archive = { $archiver: "NSKeyedArchiver", $top: { root: { UID: 1 } }, $objects: objects } as PlistValue;
  assert.equal(oneLine(() => unarchive(archive, "z.plist")), "z.plist: keyed archive objects nest too deep");
});

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
