// Reading the device from a dumpstate with one 20 MB line is linear in the file: the line is
// searched once (the old splitter split the whole pending text again at every chunk).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openBugreport } from "../../../../src/acquisitions/android/bugreport.ts";

/** Characters that String#split and String#indexOf were given to look at while `fn` ran. */
async function searched(fn: () => Promise<unknown>): Promise<number> {
  const { split, indexOf } = String.prototype;
  let n = 0;
  String.prototype.split = function (this: string, ...a: unknown[]) {
    n += this.length;
    return (split as (...x: unknown[]) => string[]).apply(this, a);
  } as typeof split;
  String.prototype.indexOf = function (this: string, s: string, from?: number) {
    const r = indexOf.call(this, s, from);
    n += (r < 0 ? this.length : r + s.length) - (from ?? 0);
    return r;
  };
  try {
    await fn();
  } finally {
    String.prototype.split = split;
    String.prototype.indexOf = indexOf;
  }
  return n;
}

test("a 20 MB line before the system properties: the device is read, in work linear in the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bugreport-long-"));
  const text = [
    "== dumpstate: 2024-01-01 10:00:00",
    "Build fingerprint: 'google/panther/panther:14/UQ1A.240105.004/11206848:user/release-keys'",
    "x".repeat(20_000_000),
    "------ SYSTEM PROPERTIES (getprop) ------",
    "[ro.product.model]: [Pixel 7]",
    "[ro.build.version.release]: [14]",
    "------ NEXT (cmd) ------",
    "",
  ].join("\n");
  writeFileSync(join(dir, "dumpstate.txt"), text);
  writeFileSync(join(dir, "main_entry.txt"), "dumpstate.txt");
  let model: unknown;
  const work = await searched(async () => {
    const view = await openBugreport(dir);
    model = view.device?.model;
    await view.close();
  });
  assert.equal(model, "Pixel 7");
  assert.ok(work <= 3 * text.length, `${work} characters searched for ${text.length} in the file`);
});
