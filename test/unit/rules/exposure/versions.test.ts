import { test } from "node:test";
import assert from "node:assert/strict";
import { english, render } from "../../../../src/core/i18n/index.ts";
import {
  androidFixStatus,
  appFixStatus,
  compareBuilds,
  compareDotted,
  compareIosVersions,
  iosFixStatus,
  normalizePatchLevel,
  parseIosVersion,
} from "../../../../src/rules/exposure/versions.ts";
import type { AndroidFix, AppFix, IosFix } from "../../../../src/rules/exposure/model.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";

const ios = (version: string, extra: Partial<IosFix> = {}): IosFix => ({ os: "ios", version, verified: true, ...extra });
const status = (version: string, fixes: IosFix[], extra: object = {}) => {
  const v = iosFixStatus({ version, ...extra }, fixes);
  return v.status === "below" ? `below ${v.next.version}${v.next.rsr ? `(${v.next.rsr})` : ""} ${v.branch}` : v.status;
};

test("iOS versions parse with an optional RSR letter and compare numerically", () => {
  assert.deepEqual(parseIosVersion("16.5.1 (c)"), { parts: [16, 5, 1], rsr: "c" });
  assert.deepEqual(parseIosVersion("17"), { parts: [17, 0, 0], rsr: undefined });
  assert.equal(parseIosVersion("sixteen"), undefined);
  assert.ok(compareIosVersions("15.10", "15.9.1") > 0);
  assert.equal(compareIosVersions("16.0", "16"), 0);
  assert.throws(() => compareIosVersions("x", "1"));
});

test("branch rule: a fix in 15.7.7 covers 15.x, a fix in 16.5.1 covers 16.x, later majors are fixed", () => {
  const fixes = [ios("16.5.1"), ios("15.7.7")];
  assert.equal(status("15.7.6", fixes), "below 15.7.7 same");
  assert.equal(status("15.7.7", fixes), "fixed");
  assert.equal(status("15.8", fixes), "fixed");
  assert.equal(status("16.0", fixes), "below 16.5.1 same");
  assert.equal(status("16.5", fixes), "below 16.5.1 same");
  assert.equal(status("16.6", fixes), "fixed");
  assert.equal(status("17.0", fixes), "fixed");
});

test("branch rule: a major version without a fix of its own is open when a later major has the fix", () => {
  assert.equal(status("14.8.1", [ios("16.5.1"), ios("15.7.7")]), "below 15.7.7 older");
  // Fixes for 15 and 17 only: a 16.x phone got no fix in its own line.
  assert.equal(status("16.7.2", [ios("15.8.4"), ios("17.1")]), "below 17.1 older");
  // A fix shipped only for old devices (12.5.4) does not concern iOS 14.
  assert.equal(status("14.3", [ios("12.5.4")]), "fixed");
});

test("iPadOS-only fixes count for iPads (and devices of unknown kind), not for iPhones", () => {
  const fixes = [ios("18.3.1"), ios("17.7.5", { ipad_only: true })];
  assert.equal(status("17.7.2", fixes, { kind: "iphone" }), "below 18.3.1 older");
  assert.equal(status("17.7.4", fixes, { kind: "ipad" }), "below 17.7.5 same");
  assert.equal(status("17.7.5", fixes, { kind: "ipad" }), "fixed");
  assert.equal(status("17.7.5", fixes), "fixed");
  assert.equal(iosFixStatus({ version: "17.7", kind: "iphone" }, [ios("17.7.5", { ipad_only: true })]).status, "unknown");
});

test("Rapid Security Responses: the letter, or a build at least the fix's, closes the window on that version", () => {
  const fixes = [ios("16.6"), ios("16.5.1", { rsr: "c", build: "20F770750d" })];
  assert.equal(status("16.5.1", fixes), "below 16.5.1(c) same");
  assert.equal(status("16.5.1", fixes, { rsr: "a" }), "below 16.5.1(c) same");
  assert.equal(status("16.5.1", fixes, { rsr: "c" }), "fixed");
  assert.equal(status("16.5.1", fixes, { build: "20F770750d" }), "fixed");
  assert.equal(status("16.5.1", fixes, { build: "20F75" }), "below 16.5.1(c) same");
  assert.equal(status("16.5", fixes), "below 16.5.1(c) same");
  assert.equal(status("16.6", fixes), "fixed");
  assert.equal(status("not a version", fixes), "unknown");
});

test("Apple build numbers order by train, letter, number and suffix", () => {
  assert.ok(compareBuilds("18C66", "18H17")! < 0);
  assert.ok(compareBuilds("19H12", "18H17")! > 0);
  assert.ok(compareBuilds("20F75", "20F770750d")! < 0);
  assert.ok(compareBuilds("20F770750d", "20F770750b")! > 0);
  assert.equal(compareBuilds("20F75", "20F75"), 0);
  assert.equal(compareBuilds("20F75", "16.5"), undefined);
});

test("Android patch levels: a device at or after the fix's level is fixed; maker-specific fixes need the maker", () => {
  const aosp: AndroidFix = { os: "android", patch_level: "2023-03-01", verified: false };
  assert.equal(androidFixStatus({ patchLevel: "2023-03-05" }, [aosp]).status, "fixed");
  assert.equal(androidFixStatus({ patchLevel: "2023-03-01" }, [aosp]).status, "fixed");
  assert.equal(androidFixStatus({ patchLevel: "2023-02-05" }, [aosp]).status, "below");
  assert.equal(androidFixStatus({ patchLevel: "2023-02" }, [aosp]).status, "below");
  assert.equal(androidFixStatus({ patchLevel: "March 2023" }, [aosp]).status, "unknown");
  const smr: AndroidFix = { os: "android", vendor: "samsung", patch_level: "2025-04-01", verified: true };
  assert.equal(androidFixStatus({ patchLevel: "2025-01-01", manufacturer: "Google" }, [smr]).status, "not_applicable");
  assert.equal(androidFixStatus({ patchLevel: "2025-01-01", manufacturer: "samsung" }, [smr]).status, "below");
  assert.equal(androidFixStatus({ patchLevel: "2025-04-01", manufacturer: "samsung" }, [smr]).status, "fixed");
  const unknownMaker = androidFixStatus({ patchLevel: "2025-01-01" }, [smr]);
  assert.equal(unknownMaker.status, "below");
  assert.ok(unknownMaker.status === "below" && unknownMaker.condition);
  assert.match(english(unknownMaker.condition), /Samsung phone/);
  assert.match(render("fr", unknownMaker.condition), /téléphone Samsung/);
  assert.equal(normalizePatchLevel("2024-13-01"), undefined);
});

test("app versions compare as dotted numbers of any length, per platform and edition", () => {
  assert.ok(compareDotted("2.19.51", "2.19.134")! < 0);
  assert.equal(compareDotted("2.25.21.73", "2.25.21.73"), 0);
  assert.equal(compareDotted("2.x", "2"), undefined);
  const fixes: AppFix[] = [
    { app: "whatsapp", os: "ios", version: "2.19.51", verified: true },
    { app: "whatsapp", os: "android", version: "2.19.134", verified: true },
    { app: "whatsapp", os: "android", edition: "business", version: "2.19.44", verified: true },
  ];
  assert.equal(appFixStatus({ app: "whatsapp", os: "ios", version: "2.19.50" }, fixes).status, "below");
  assert.equal(appFixStatus({ app: "whatsapp", os: "ios", version: "2.19.51" }, fixes).status, "fixed");
  assert.equal(appFixStatus({ app: "whatsapp", os: "android", version: "2.19.100" }, fixes).status, "below");
  assert.equal(appFixStatus({ app: "whatsapp", os: "android", edition: "business", version: "2.19.100" }, fixes).status, "fixed");
  assert.equal(appFixStatus({ app: "whatsapp", os: "ios", edition: "business", version: "2.19.1" }, fixes).status, "not_applicable");
  const ranged: AppFix[] = [{ app: "whatsapp", os: "ios", version: "2.25.21.73", affected_from: "2.22.25.2", verified: true }];
  assert.equal(appFixStatus({ app: "whatsapp", os: "ios", version: "2.21.1" }, ranged).status, "not_applicable");
  assert.equal(appFixStatus({ app: "whatsapp", os: "ios", version: "2.23.1" }, ranged).status, "below");
});

test("parseIosVersion: a value with long runs of spaces is read in linear time", async () => {
  // The expression's leading and trailing \s* tried every split of such a run (quadratic).
  const spaces = " ".repeat(300_000);
  const [odd, padded] = await withinCpu(5, "the values", () => [parseIosVersion(`16.5${spaces}x`), parseIosVersion(`${spaces}16.5.1 (c)${spaces}`)]);
  assert.equal(odd, undefined);
  assert.deepEqual(padded, { parts: [16, 5, 1], rsr: "c" });
});
