// --json on every command that prints something: each offers it, and what it prints parses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runVigil } from "../../helpers/evidence.ts";

const COMMANDS = [
  ["demo"], ["check"], ["check-backup"], ["check-fs"], ["check-sysdiagnose"], ["check-androidqf"], ["check-bugreport"], ["check-intrusion-logs"], ["check-network"],
  ["check-iocs"], ["decrypt-backup"], ["extract-key"], ["report"], ["modules"], ["iocs", "list"], ["iocs", "update"], ["iocs", "import"], ["update"],
  ["case", "init"], ["case", "add"], ["case", "report"], ["case", "status"], ["case", "list"], ["case", "archive"], ["case", "retro-hunt"], ["hunt"], ["export"], ["backups"],
];

test("every command that prints offers --json", async () => {
  const runs = await Promise.all(COMMANDS.map(async (c) => [c.join(" "), await runVigil([...c, "--help"])] as const));
  const missing = runs.filter(([, r]) => !/--json\b/.test(r.stdout)).map(([c]) => c);
  assert.deepEqual(missing, []);
});

test("--json output parses: case init, iocs import (JSON Lines), update --list", async () => {
  const home = mkdtempSync(join(tmpdir(), "vigil-json-home-"));
  const env = { VIGIL_HOME: home, VIGIL_ARCHIVE: join(home, "cases.sqlite") };
  const init = await runVigil(["case", "init", join(home, "case"), "--name", "T", "--no-archive", "--json"], env);
  assert.equal(init.status, 0, init.stderr);
  assert.equal(JSON.parse(init.stdout).name, "T");
  const lists = join(home, "lists");
  mkdirSync(lists);
  writeFileSync(join(lists, "domains.txt"), "evil.example\n");
  const imp = await runVigil(["iocs", "import", lists, "--json"], env);
  assert.equal(imp.status, 0, imp.stderr);
  const lines = imp.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(lines[0].indicators, 1);
  const mods = JSON.parse((await runVigil(["modules", "--json", "-p", "android"], env)).stdout) as { name: string; mvt: Record<string, { slug: string }> }[];
  assert.deepEqual(mods.find((m) => m.name === "getprop")?.mvt, { androidqf: { slug: "aqf_get_prop", plugin: "AQFGetProp" }, bugreport: { slug: "dumpsys_get_prop", plugin: "DumpsysGetProp" } });
  const list = await runVigil(["update", "--list", "--json"], env);
  assert.equal(list.status, 0, list.stderr);
  const sets = JSON.parse(list.stdout) as { name: string; date?: string; age_days?: number; stale: boolean }[];
  assert.ok(Array.isArray(sets));
  // Each dated data set with its age today, and whether a check would call it out of date.
  for (const d of sets.filter((x) => x.date)) {
    assert.equal(d.age_days, Math.floor((Date.now() - Date.parse(`${d.date}T00:00:00Z`)) / 86_400_000), d.name);
    assert.equal(d.stale, d.age_days! > 30, d.name);
  }
  const text = await runVigil(["update", "--list"], env);
  const exposure = sets.find((x) => x.name === "exposure")!;
  assert.match(text.stdout, new RegExp(`exposure: bundled, ${exposure.date} \\(${exposure.age_days} days? old${exposure.stale ? ", more than 30: run 'vigil update'" : ""}\\)`));
});
