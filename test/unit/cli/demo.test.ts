// `vigil demo`: its results say the phone is synthetic and the traces planted (info.json, and the
// report at the top, in the language asked for).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { testDir } from "../../helpers/archive-builder.ts";
import { runVigil } from "../../helpers/evidence.ts";

test("vigil demo --lang fr: info.json marks the demo, the report's first words say the phone is synthetic", async () => {
  const out = join(testDir("vigil-demo"), "out");
  const r = await runVigil(["demo", "--output", out, "--lang", "fr", "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(readFileSync(join(out, "info.json"), "utf8")) as { demo?: boolean }).demo, true);
  const html = readFileSync(join(out, "report.html"), "utf8");
  const main = html.slice(html.indexOf("<main>"));
  assert.ok(main.indexOf('id="demo"') > 0 && main.indexOf('id="demo"') < main.indexOf('id="verdict"'), "the note comes before the verdict");
  assert.match(main, /Démonstration : ce téléphone n&#39;existe pas/);
  // The terminal summary is French too.
  assert.match(r.stdout, /^Verdict : TRACES DE LOGICIEL ESPION CONNU TROUVÉES$/m);
  // So are the demo's own lines.
  assert.match(r.stderr, /^Construction de la sauvegarde de démonstration dans /m);
  assert.match(r.stderr, /^demo: les 4 traces plantées ont été trouvées \(une vraie vérification se terminerait avec le code 10\)$/m);
});
