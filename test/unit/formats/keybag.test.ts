// Regression tests for keybag parsing found by fuzzing (npm run fuzz, target "keybag").
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { buildKeybag, parseKeybag } from "../../../src/formats/keybag.ts";

test("a record whose damaged tag holds a newline is named on one line", () => {
  // Tag "KTY\n" with a length past the end of the data.
  const data = Buffer.concat([Buffer.from("KTY\n", "latin1"), Buffer.from([0, 0, 0, 40]), Buffer.alloc(4)]);
  assert.throws(
    () => parseKeybag(data, "Manifest.plist"),
    (e: unknown) => e instanceof VigilError && e.message === 'keybag record "KTY\\n" runs past the end' && !e.oneLine().includes("\n"),
  );
});

test("a readable tag is named as it is", () => {
  const data = Buffer.concat([Buffer.from("WRAP", "latin1"), Buffer.from([0, 0, 0, 40]), Buffer.alloc(4)]);
  assert.throws(() => parseKeybag(data, "Manifest.plist"), (e: unknown) => e instanceof VigilError && e.message === "keybag record WRAP runs past the end");
});

test("a keybag asking for more PBKDF2 rounds than any iOS writes is refused before the password is tried, not run for half an hour", () => {
  const kb = (iter: number, dpic: number) =>
    buildKeybag({ version: 4, type: 1, uuid: Buffer.alloc(16, 1), wrap: 0, salt: Buffer.alloc(20, 2), iter, dpwt: 1, dpic, dpsl: Buffer.alloc(20, 3), classes: [{ uuid: Buffer.alloc(16, 4), clas: 1, wrap: 3, ktyp: 0, wpky: Buffer.alloc(40, 5) }] });
  // iOS's own figures parse.
  assert.equal(parseKeybag(kb(10_000, 10_000_000), "Manifest.plist").dpic, 10_000_000);
  // One flipped bit of 10,000,000 (0x00989680): 2,157,483,648 rounds, about half an hour here.
  assert.throws(() => parseKeybag(kb(10_000, 0x80989680), "Manifest.plist"), (e: unknown) => e instanceof VigilError && /asks for 2,157,483,648 PBKDF2-SHA256 rounds/.test(e.message));
  assert.throws(() => parseKeybag(kb(0x80002710, 10_000_000), "Manifest.plist"), (e: unknown) => e instanceof VigilError && /asks for 2,147,493,648 PBKDF2-SHA1 rounds/.test(e.message));
});
