import { test } from "node:test";
import assert from "node:assert/strict";
import packages from "../../../../../src/modules/android/packages.ts";
import dumpsysPackages from "../../../../../src/modules/android/dumpsys-packages.ts";
import { FORENSIC_TOOL_RULE, packageHeuristics } from "../../../../../src/modules/android/lib/package-checks.ts";
import { forensicToolPackages } from "../../../../../src/modules/android/lib/common.ts";
import { br, dumpsys, packageSection, pkgBlock, qf, run } from "../../../../helpers/android-views.ts";

test("forensic tool agent: Cellebrite's com.client.appA is flagged medium in packages.json and in dumpsys package; other apps are not", async () => {
  assert.equal(forensicToolPackages().get("com.client.appA"), "Cellebrite UFED");
  const json = (name: string) => ({ name, files: [], installer: "null", uid: 10200, disabled: false, system: false, third_party: true });
  const r = await run(packages, qf({ "packages.json": JSON.stringify([json("com.client.appA"), json("com.client.app"), json("org.example.notes")]) }));
  const forensic = r.detections.filter((d) => d.rule?.id === FORENSIC_TOOL_RULE.id);
  assert.deepEqual(forensic.map((d) => [d.matched, d.grade]), [["com.client.appA", "medium"]]);
  assert.match(forensic[0].title, /Cellebrite UFED/);

  const d = await run(dumpsysPackages, br({ "dumpstate.txt": dumpsys({ package: packageSection([pkgBlock("com.client.appA", { installer: "null" }), pkgBlock("com.android.chrome", { system: true })]) }) }));
  assert.deepEqual(d.detections.filter((x) => x.rule?.id === FORENSIC_TOOL_RULE.id).map((x) => x.matched), ["com.client.appA"]);
  assert.deepEqual(packageHeuristics({ package_name: "com.client.appA", system: true }, "x", undefined).map((x) => x.rule?.id), [FORENSIC_TOOL_RULE.id], "even installed as a system app");
});
