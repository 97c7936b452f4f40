import { test } from "node:test";
import assert from "node:assert/strict";
import { render } from "../../../../src/core/i18n/index.ts";
import { evaluateExposure, type ExposureInput } from "../../../../src/rules/exposure/evaluate.ts";
import type { ExposureEntry, ExposureTable } from "../../../../src/rules/exposure/model.ts";
import { exposureEntry, exposureTable } from "../../../helpers/exposure-table.ts";

const entry = (id: string, e: Partial<ExposureEntry>) => exposureEntry(id, e);

const TABLE: ExposureTable = exposureTable([
  entry("TRI", {
    fixed: [{ os: "ios", version: "16.5.1", verified: true }, { os: "ios", version: "15.7.7", verified: true }],
    exploited_since: "2019",
    exploited_since_source: "https://example.org/kaspersky",
    exploited_below: "15.7",
    campaigns: [{ name: "Operation Test", source: "https://example.org/c" }],
  }),
  entry("LATE", { fixed: [{ os: "ios", version: "16.2", verified: true }], known_exploited: "2024-01-31" }),
  entry("NOFIX", { fixed: [], no_fix_recorded: "nothing checked" }),
  entry("SAM", {
    product: "Samsung mobile devices",
    platforms: ["android"],
    requires: { manufacturer: "samsung" },
    fixed: [{ os: "android", vendor: "samsung", patch_level: "2025-04-01", verified: true }],
    exploited_since: "2024-07",
    exploited_since_source: "https://example.org/u42",
  }),
  entry("QC", {
    product: "Qualcomm chipsets",
    platforms: ["android"],
    requires: { component: "qualcomm" },
    fixed: [{ os: "android", patch_level: "2024-11-05", verified: false }],
  }),
  entry("WA", {
    product: "WhatsApp",
    platforms: ["ios", "android"],
    fixed: [
      { app: "whatsapp", os: "ios", version: "2.19.51", verified: true },
      { app: "whatsapp", os: "android", version: "2.19.134", verified: true },
    ],
    exploited_since: "2019-04-29",
    exploited_since_source: "https://example.org/cl",
  }),
]);

const iphone = (observations: ExposureInput["observations"]): ExposureInput => ({ device: { platform: "ios", iosDevice: "iphone" }, observations });
const ids = (input: ExposureInput) => evaluateExposure(TABLE, input).windows.map((w) => w.id);

test("an iOS version below the fix, seen after exploitation began, is in the window with a reason", () => {
  const r = evaluateExposure(TABLE, iphone([{ kind: "ios", version: "15.7.6", build: "19H349", to: "2023-05-01T10:00:00Z" }]));
  assert.deepEqual(r.windows.map((w) => w.id), ["TRI"]);
  const w = r.windows[0]!;
  assert.equal(w.fixed_in, "iOS 15.7.7");
  assert.deepEqual(w.fixed_versions, ["iOS 16.5.1", "iOS 15.7.7"]);
  assert.deepEqual(w.versions, ["iOS 15.7.6 (19H349)"]);
  assert.deepEqual(w.window, { from: undefined, to: "2023-05-01" });
  assert.equal(w.targeted, false);
  assert.equal(w.fix_verified, true);
  assert.match(w.reason, /^The phone ran iOS 15\.7\.6 \(19H349\) \(still on 2023-05-01\); the flaw was fixed in iOS 15\.7\.7; it was exploited in the wild from 2019 by Operation Test\./);
  assert.match(w.reason, /only against versions before iOS 15\.7; this phone's version is newer/);
  // LATE (exploitation public only from 2024) is outside what the phone is known to have run.
  assert.ok(!r.windows.some((x) => x.id === "LATE"));
});

test("a version the phone ran only before exploitation is on record is not in the window; later it is", () => {
  assert.deepEqual(ids(iphone([{ kind: "ios", version: "16.1", to: "2024-01-30" }])), ["TRI"]);
  assert.deepEqual(ids(iphone([{ kind: "ios", version: "16.1", to: "2024-01-31" }])), ["TRI", "LATE"]);
  const w = evaluateExposure(TABLE, iphone([{ kind: "ios", version: "16.1", from: "2024-02-01", to: "2024-03-01" }])).windows.find((x) => x.id === "LATE")!;
  assert.deepEqual(w.window, { from: "2024-02-01", to: "2024-03-01" });
  assert.match(w.reason, /CISA listed it as exploited in the wild on 31 January 2024/);
  // The same sentence in French, from the catalogs: month names and French punctuation too.
  assert.equal(
    render("fr", w.reason_message),
    "Le téléphone utilisait iOS 16.1 (du 2024-02-01 au 2024-03-01) ; la faille a été corrigée dans iOS 16.2 ; la CISA l'a inscrite parmi les failles exploitées dans la nature (31 janvier 2024 ; une utilisation antérieure n'est pas documentée ici).",
  );
});

test("the window starts at the later of exploitation and the first day the version is known to have run", () => {
  const w = evaluateExposure(TABLE, iphone([{ kind: "ios", version: "14.0", from: "2018-05-01", to: "2021-01-01" }])).windows[0]!;
  assert.equal(w.id, "TRI");
  assert.deepEqual(w.window, { from: "2019-01-01", to: "2021-01-01" });
  assert.match(w.reason, /no iOS 14 release fixes this flaw; it was fixed in iOS 15\.7\.7/);
  assert.equal(w.targeted, true);
});

test("without dates every flaw the version is below is listed, saying the dates are unknown", () => {
  const r = evaluateExposure(TABLE, iphone([{ kind: "ios", version: "16.0" }]));
  assert.deepEqual(r.windows.map((w) => w.id), ["TRI", "LATE"]);
  assert.match(r.windows[1]!.reason, /when the phone ran that version is not known/);
  assert.deepEqual(r.notEvaluated, [{ id: "NOFIX", title: "flaw NOFIX", reason: "nothing checked" }]);
});

test("several versions in the update history give one window per flaw, spanning the versions inside it", () => {
  const r = evaluateExposure(
    TABLE,
    iphone([
      { kind: "ios", version: "16.0", from: "2022-10-01", to: "2023-01-10" },
      { kind: "ios", version: "16.3", from: "2023-01-10", to: "2023-07-01" },
      { kind: "ios", version: "16.6", from: "2023-07-01", to: "2024-02-01" },
    ]),
  );
  const tri = r.windows.find((w) => w.id === "TRI")!;
  assert.deepEqual(tri.versions, ["iOS 16.0", "iOS 16.3"]);
  assert.deepEqual(tri.window, { from: "2022-10-01", to: "2023-07-01" });
  assert.ok(!r.windows.some((w) => w.id === "LATE"), "16.3 and 16.6 are fixed, 16.0 ended before 2024");
});

test("Android: maker and chipset conditions, patch levels", () => {
  const samsung = { platform: "android" as const, manufacturer: "samsung", components: ["qualcomm"] };
  assert.deepEqual(ids({ device: samsung, observations: [{ kind: "android", patchLevel: "2024-10-05", to: "2024-12-01" }] }), ["QC", "SAM"]);
  assert.deepEqual(ids({ device: samsung, observations: [{ kind: "android", patchLevel: "2025-04-01", to: "2025-05-01" }] }), []);
  assert.deepEqual(ids({ device: { platform: "android", manufacturer: "Google", components: ["mali"] }, observations: [{ kind: "android", patchLevel: "2024-01-05" }] }), []);
  const unknown = evaluateExposure(TABLE, { device: { platform: "android" }, observations: [{ kind: "android", patchLevel: "2024-01-05" }] }).windows;
  assert.deepEqual(unknown.map((w) => [w.id, w.condition]), [
    ["QC", "applies only if the phone has a Qualcomm chipset (the acquisition does not say)"],
    ["SAM", "applies only if the phone is a Samsung phone (its maker is not known)"],
  ]);
  assert.equal(unknown[1]!.fixed_in, "security patch level 2025-04-01 (Samsung)");
  // An iOS flaw never concerns an Android phone.
  assert.ok(!unknown.some((w) => w.id === "TRI"));
});

test("WhatsApp: the app version on each platform decides, on either kind of phone", () => {
  const w = evaluateExposure(TABLE, iphone([{ kind: "app", app: "whatsapp", os: "ios", version: "2.19.50", to: "2019-05-10" }])).windows;
  assert.deepEqual(w.map((x) => [x.id, x.fixed_in, x.versions[0]]), [["WA", "WhatsApp for iOS 2.19.51", "WhatsApp 2.19.50"]]);
  assert.deepEqual(ids(iphone([{ kind: "app", app: "whatsapp", os: "ios", version: "2.19.51" }])), []);
  assert.deepEqual(ids(iphone([{ kind: "app", app: "whatsapp", os: "ios", version: "2.19.50", to: "2019-04-01" }])), []);
  assert.deepEqual(ids({ device: { platform: "android" }, observations: [{ kind: "app", app: "whatsapp", os: "android", version: "2.19.100" }] }), ["WA"]);
});

test("an unreadable version is reported as not evaluated, never as in or out of a window", () => {
  const r = evaluateExposure(TABLE, iphone([{ kind: "ios", version: "beta" }]));
  assert.deepEqual(r.windows, []);
  assert.ok(r.notEvaluated.some((n) => n.id === "TRI" && /not an iOS version/.test(n.reason)));
});
