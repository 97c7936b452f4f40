// The fast ISO formatter in src/core/time.ts must give exactly Date#toISOString's output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromMacAbsolute, fromUnixMillis, fromWebKit } from "../../../src/core/time.ts";

test("ISO conversion equals Date#toISOString on edges and random values", () => {
  const vals = [0, 0.4, 0.999, 1, 999.9, 86_399_999, 86_400_000, 86_400_000.5, 951_782_400_000, 1_709_164_799_999, 1_709_164_800_000,
    Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1, -1, -0.5, -86_400_001, 8.64e15, 8.64e15 + 1];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20_000; i++) vals.push(rnd() * 4e12, rnd() * 1e6);
  for (const v of vals) {
    const d = new Date(v);
    assert.equal(fromUnixMillis(v), Number.isNaN(d.getTime()) ? undefined : d.toISOString(), String(v));
  }
  assert.equal(fromUnixMillis(8.64e15 + 1), undefined);
  assert.equal(fromMacAbsolute(704_080_800.25), new Date(Date.UTC(2001, 0, 1) + 704_080_800_250).toISOString());
  assert.equal(fromWebKit(13_280_000_000_000_000), new Date(Date.UTC(1601, 0, 1) + 13_280_000_000_000).toISOString());
});
