// Damaged plists get a precise one-line message: a cycle or too deep a nesting, a truncated
// binary plist (never "Maximum call stack size exceeded" or "maxObjectCount exceeded"), keyed
// archive collections of the wrong type (found by fuzzing: npm run fuzz, target nskeyedarchiver).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { parsePlist, unarchive, type PlistValue } from "../../../src/formats/plist.ts";
import { writeBplist } from "../../../src/formats/bplist-writer.ts";
import { withinCpu } from "../../helpers/cpu-bound.ts";

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

test("a keyed archive whose objects each list the next one twice is refused, not expanded", async () => {
  // Each reference was decoded afresh: 2^depth values (2^22 here: seconds and 1 GB; 2^40 for ever).
  const objects: PlistValue[] = ["$null"];
  const depth = 22;
  for (let i = 1; i <= depth; i++) objects.push({ "NS.objects": [{ UID: i + 1 }, { UID: i + 1 }] });
  objects.push("leaf");
  const bomb = { $archiver: "NSKeyedArchiver", $top: { root: { UID: 1 } }, $objects: objects } as PlistValue;
  const message = await withinCpu(2, "the archive", () => oneLine(() => unarchive(bomb, "w.plist")));
  assert.match(message, /^w\.plist: malformed keyed archive: its objects are listed so many times over that it would expand to more than 1,000,\d{3} values$/);
  // Sharing within the bound is decoded as before: an array listing one string a thousand times.
  const shared = unarchive({ $archiver: "NSKeyedArchiver", $top: { root: { UID: 1 } }, $objects: ["$null", { "NS.objects": Array.from({ length: 1000 }, () => ({ UID: 2 })) }, "s"] } as PlistValue);
  assert.deepEqual(shared, Array(1000).fill("s"));
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

/** A binary plist from raw objects (each its marker and payload bytes; references one byte), the first one the top. */
function rawBplist(objects: number[][]): Buffer {
  const head = Buffer.from("bplist00");
  const offsets: number[] = [];
  const body: number[] = [];
  for (const o of objects) {
    offsets.push(head.length + body.length);
    body.push(...o);
  }
  const tableAt = head.length + body.length;
  const table = Buffer.alloc(objects.length * 2);
  offsets.forEach((o, i) => table.writeUInt16BE(o, i * 2));
  const trailer = Buffer.alloc(32);
  trailer[6] = 2;
  trailer[7] = 1;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(0n, 16);
  trailer.writeBigUInt64BE(BigInt(tableAt), 24);
  return Buffer.concat([head, Buffer.from(body), table, trailer]);
}

// Found by the long fuzz run (plist-binary #151650, seed 2026): bplist-parser builds every
// reference afresh, so objects that list the next one twice, or a dictionary that lists itself
// among others, ran for hours before the stack ran out.
test("binary plist: shared objects that would expand without end are refused at once, a container listed twice is read", { timeout: 30_000 }, () => {
  const chain = Array.from({ length: 60 }, (_, i) => (i < 59 ? [0xa2, i + 1, i + 1] : [0x10, 7]));
  assert.throws(
    () => parsePlist(rawBplist(chain), "bomb.plist"),
    (e: unknown) => e instanceof VigilError && /^bomb\.plist: malformed plist: its objects are listed so many times over that it would expand to more than [\d,]+ values/.test(e.oneLine()),
  );
  // A dictionary whose values include itself, twice: a cycle.
  const looped = [[0xd2, 1, 2, 0, 0], [0x51, 0x61], [0x51, 0x62]];
  assert.throws(() => parsePlist(rawBplist(looped), "loop.plist"), (e: unknown) => e instanceof VigilError && /a cycle/.test(e.oneLine()));
  // One array listed three times, as some writers share equal containers: read in full.
  const shared = [[0xa3, 1, 1, 1], [0xa2, 2, 3], [0x10, 1], [0x51, 0x78]];
  assert.deepEqual(parsePlist(rawBplist(shared)), [[1, "x"], [1, "x"], [1, "x"]]);
});

test("XML plist: a file made of errors is refused at the hundred-and-first, a few errors are still read", { timeout: 60_000 }, () => {
  // The long fuzz run's plist-xml #2477: a stray end tag and text repeated after the root element.
  // xmldom recovered from each of the 40,000 errors, tens of microseconds apiece.
  const damaged = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<key>name</key>${"me</key>".repeat(20_000)}`);
  assert.throws(
    () => parsePlist(damaged, "Info.plist"),
    (e: unknown) => e instanceof VigilError && e.file === "Info.plist" && /more than 100 XML errors, the first: Unexpected content outside root element/.test(e.message),
  );
  // The first error quotes the stray text: a long one is cut in the one-line message.
  const longText = Buffer.from(`<?xml version="1.0"?>\n<key>name</key>${`${"x".repeat(5000)}</key>`.repeat(200)}`);
  assert.throws(
    () => parsePlist(longText, "Long.plist"),
    (e: unknown) => e instanceof VigilError && /more than 100 XML errors/.test(e.message) && e.message.length < 400,
  );
  const fewErrors = Buffer.from(`<?xml version="1.0"?><plist><dict><key>a</key><string>x & y</string><key>b</key><string>z &c</string></dict></plist>`);
  assert.deepEqual(parsePlist(fewErrors, "few.plist"), { a: "x & y", b: "z &c" });
});
