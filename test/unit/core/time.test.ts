// The fast ISO formatter in src/core/time.ts must give exactly Date#toISOString's output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromMacAbsolute, fromUnixMillis, fromWebKit, isoToMvt, timelineToIso } from "../../../src/core/time.ts";

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

test("timeline.csv's time form: MVT's \"YYYY-MM-DD HH:MM:SS.ffffff\", back to the same ISO time, sorting as the ISO times did", () => {
  assert.equal(isoToMvt("2021-07-02T08:41:12.000Z"), "2021-07-02 08:41:12.000000");
  assert.equal(isoToMvt("2021-07-02T08:41:12.345Z"), "2021-07-02 08:41:12.345000");
  // Years outside 0000-9999 (a corrupt value read as a date) keep ISO's signed six-digit year.
  assert.equal(isoToMvt("+010000-01-01T00:00:00.000Z"), "+010000-01-01 00:00:00.000000");
  assert.equal(isoToMvt("-000001-12-31T23:59:59.999Z"), "-000001-12-31 23:59:59.999000");
  assert.equal(timelineToIso("2021-07-02 08:41:12.123456"), "2021-07-02T08:41:12.123Z");
  assert.equal(timelineToIso("2021-07-02 08:41:12"), "2021-07-02T08:41:12.000Z");
  assert.equal(timelineToIso("2021-07-02T08:41:12.000Z"), "2021-07-02T08:41:12.000Z");
  assert.equal(timelineToIso(""), undefined);
  assert.equal(timelineToIso("not a time"), undefined);
  const isos = ["+010000-01-01T00:00:00.000Z", "-000001-12-31T23:59:59.999Z", "0000-01-01T00:00:00.000Z", "1601-01-01T00:00:00.000Z", "1970-01-01T00:00:00.000Z", "2021-07-02T08:41:12.000Z", "2021-07-02T08:41:12.001Z", "9999-12-31T23:59:59.999Z"];
  for (let ms = -62198755200000; ms < 253402300800000; ms += 7_777_777_777_777) isos.push(new Date(ms).toISOString());
  for (const iso of isos) assert.equal(timelineToIso(isoToMvt(iso)), iso, iso);
  const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  assert.deepEqual([...isos].sort(byBytes).map(isoToMvt), isos.map(isoToMvt).sort(byBytes));
});
