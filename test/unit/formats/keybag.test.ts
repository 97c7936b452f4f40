// Regression tests for keybag parsing found by fuzzing (npm run fuzz, target "keybag").
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../src/core/errors.ts";
import { parseKeybag } from "../../../src/formats/keybag.ts";

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
