// `vigil hunt VALUE...`: every archived case and acquisition where a value (a domain and its
// subdomains, a URL, an IP address, a process, an app id, an e-mail address, a hash...) was seen.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { archiveLocation, isPostgresUrl, openArchive } from "../case-archive/open.ts";
import { formatHunt } from "../cases/format.ts";
import { VigilError } from "../core/errors.ts";
import { pickLanguage } from "../core/i18n/index.ts";
import { action } from "./check-common.ts";

export function register(program: Command): void {
  program
    .command("hunt")
    .description("list every archived case and acquisition where these values were seen (a domain also finds its subdomains and URLs on it)")
    .argument("<values...>", "domains, URLs, IP addresses, process names, app ids, e-mail addresses, hashes...")
    .option("--archive <location>", "case archive: an SQLite file or postgres://... (default: $VIGIL_ARCHIVE, else cases.sqlite in Vigil's home folder)")
    .option("--json", "print as JSON")
    .option("--lang <code>", "language of the answer (en, fr); default: from the system locale")
    .action(
      action(async (values: string[], opts: { archive?: string; json?: boolean; lang?: string }) => {
        const lang = pickLanguage(opts.lang);
        const loc = archiveLocation(opts.archive);
        if (!isPostgresUrl(loc) && !existsSync(loc)) throw new VigilError('no case archive here yet (add cases with "vigil case add")', { file: loc, code: "usage" });
        const store = await openArchive(opts.archive);
        try {
          const seen = await store.hunt(values);
          process.stdout.write(opts.json ? `${JSON.stringify(seen, null, 2)}\n` : `${formatHunt(values, seen, lang)}\n`);
          return 0;
        } finally {
          await store.close();
        }
      }),
    );
}
