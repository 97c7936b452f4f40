// The retro-hunt run after `vigil iocs update`, `iocs import` and `vigil update` (and by
// `vigil case retro-hunt`): every archived case checked against the newest indicators, the new
// matches listed per case and saved in each case folder.
import { existsSync } from "node:fs";
import { archiveLocation, isPostgresUrl, openArchive } from "../case-archive/open.ts";
import { formatRetroHunt } from "../cases/format.ts";
import { retroHunt } from "../cases/retro-hunt.ts";
import { describeError } from "../core/errors.ts";
import { pickLanguage, translator } from "../core/i18n/index.ts";
import { EXIT } from "../core/model.ts";
import { loadIndicatorsForRun } from "../indicators/for-run.ts";

/** Returns the exit code: 10 when some case has new matches, 1 when the hunt failed, else 0. */
export async function runRetroHunt(opts: { archive?: string; iocs?: string[]; json?: boolean; quietWhenNoArchive?: boolean; lang?: string }): Promise<number> {
  const loc = archiveLocation(opts.archive);
  const lang = pickLanguage(opts.lang);
  if (!isPostgresUrl(loc) && !existsSync(loc)) {
    if (!opts.quietWhenNoArchive) process.stdout.write(opts.json ? `${JSON.stringify({ archive: loc, cases: [] })}\n` : `${translator(lang)("case.retro.no_archive", { location: loc })}\n`);
    return 0;
  }
  try {
    const loaded = await loadIndicatorsForRun(opts.iocs);
    const store = await openArchive(opts.archive);
    try {
      const r = await retroHunt(store, loaded.matcher, { found: new Date().toISOString(), indicators: loaded.snapshot ?? (opts.iocs ?? []).join(", "), save: true });
      // One line, so that it follows another command's JSON line as JSON Lines.
      process.stdout.write(opts.json ? `${JSON.stringify({ archive: store.location, ...r })}\n` : `${formatRetroHunt(r, store.location, lang)}\n`);
      return r.cases.length ? EXIT.detections : 0;
    } finally {
      await store.close();
    }
  } catch (e) {
    process.stderr.write(`vigil: error: retro-hunt: ${describeError(e)}\n`);
    return EXIT.error;
  }
}
