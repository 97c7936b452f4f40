// An iPhone backup whose Manifest.db is damaged: the backup view opens it (openIosBackup), the
// manifest module lists every row through runModule, and the sms module finds its database by
// the rows' fileIDs and reads it. Info.plist, Manifest.plist and the payloads stay intact: the
// plists and the sms database have targets of their own.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildIosBackup, type BackupFileSpec } from "../../src/acquisitions/ios-backup/build.ts";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import { writeSmsDb } from "../../src/demo/synthetic.ts";
import { flipBit, overwriteRange, setInt, truncate } from "../engine/bytes.ts";
import { SQLITE_MUTATORS } from "../engine/sqlite.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles } from "./corpus.ts";
import { written } from "./ios-databases.ts";
import { moduleByName, runWatched } from "./module-target.ts";
import { scratchDir } from "./scratch.ts";

const files = (): BackupFileSpec[] => [
  { domain: "HomeDomain", relativePath: "Library", type: "directory" },
  { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: written("sms.db", (p) => writeSmsDb(p, { messages: 5, linkShare: 0.5, start: Date.UTC(2021, 5, 1), end: Date.UTC(2021, 6, 1) })) },
  { domain: "HomeDomain", relativePath: "Library/WebKit/WebsiteData/LocalStorage/https_evil.example_0.localstorage", data: "x" },
  { domain: "AppDomain-com.spy", relativePath: "Documents/bh", data: "x", protectionClass: 4 },
  { domain: "HomeDomain", relativePath: "Library/link", type: "symlink", target: "/private/var/tmp/bh" },
];

let backup: Promise<string> | undefined;
/** A backup folder built once per process; each execution replaces its Manifest.db. */
function backupDir(): Promise<string> {
  backup ??= (async () => {
    const dir = mkdtempSync(join(scratchDir(), "backup-"));
    await buildIosBackup(dir, { files: files() });
    copyFileSync(join(dir, "Manifest.db"), join(dir, "Manifest.db.seed"));
    return dir;
  })();
  return backup;
}

const MODULES = [moduleByName("manifest", "ios"), moduleByName("sms", "ios")];

export const backupTargets: Target[] = [
  {
    name: "manifest-db",
    what: "an iPhone backup's Manifest.db: openIosBackup in src/acquisitions/ios-backup/open.ts, then the manifest and sms modules through runModule",
    seeds: async (corpus) => [readFileSync(join(await backupDir(), "Manifest.db.seed")), ...corpusFiles(corpus, "mvt-artifacts/ios_backup/Manifest.db")],
    mutators: [...SQLITE_MUTATORS, ...SQLITE_MUTATORS, flipBit, setInt, truncate, overwriteRange],
    run: async (input) => {
      const dir = await backupDir();
      writeFileSync(join(dir, "Manifest.db"), input);
      const view = await openIosBackup(dir);
      try {
        let n = 0;
        for (const mod of MODULES) n += await runWatched(mod, view);
        return n;
      } finally {
        await view.close();
      }
    },
  },
];
