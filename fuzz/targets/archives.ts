// Containers: tar (iOS file-system dumps, sysdiagnose, the tar inside .ab), zip (dumps,
// androidqf bundles, bugreports), Android .ab backups (plain, deflated, encrypted) and
// age-encrypted androidqf bundles. Each target opens the container as Vigil does, lists it and
// reads its files.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { openTarView } from "../../src/acquisitions/archive/tar-view.ts";
import { ZipArchive } from "../../src/acquisitions/archive/zip.ts";
import { openAndroidBackup } from "../../src/acquisitions/android/android-backup.ts";
import { decryptAgeFile } from "../../src/acquisitions/android/androidqf.ts";
import type { BaseView } from "../../src/acquisitions/archive/base-view.ts";
import { buildTar, buildZip } from "../../test/helpers/archive-builder.ts";
import { ageEncrypt, buildAb, SMS_BACKUP_PATH } from "../../test/helpers/android-builder.ts";
import { BYTE_MUTATORS } from "../engine/bytes.ts";
import { TAR_MUTATORS, ZIP_MUTATORS } from "../engine/archive.ts";
import type { Target } from "../engine/types.ts";
import { corpusFiles } from "./corpus.ts";
import { scratchDir, scratchFile } from "./scratch.ts";

/** Small limits, so a bomb is refused in milliseconds rather than after gigabytes. */
const LIMITS = { maxEntries: 2000, maxEntrySize: 8 << 20, maxTotalSize: 32 << 20 };

const MEMBERS = [
  { name: "private/", type: "directory" as const },
  { name: "private/var/mobile/Library/SMS/sms.db", data: "SQLite format 3\0" + "x".repeat(200) },
  { name: "private/var/log/shutdown.log", data: "SIGTERM: [1700000000] All buffers flushed\n" },
  { name: "private/var/link", type: "symlink" as const, linkname: "mobile/Library" },
  { name: "private/var/hard", type: "link" as const, linkname: "private/var/log/shutdown.log" },
  { name: "é/中.txt", data: Buffer.alloc(1500, 0x41) },
];

/** Lists a view and reads every file it lists (up to 50), then closes it. */
async function walkView(view: BaseView): Promise<number> {
  let n = 0;
  try {
    for await (const e of view.entries()) {
      if ((e.type ?? "file") !== "file" || n >= 50) continue;
      n++;
      await view.readFile(e);
    }
  } finally {
    await view.close();
  }
  return n;
}

export const archiveTargets: Target[] = [
  {
    name: "tar",
    what: "tar archives: openTarView / walkTar and tar-member.ts in src/acquisitions/archive/ (tar-stream)",
    seeds: async () => [await buildTar(MEMBERS), await buildTar(MEMBERS.slice(1, 3), { gzip: true }), await buildTar([{ name: "a".repeat(150) + "/long-name", data: "x" }])],
    mutators: [...TAR_MUTATORS, ...TAR_MUTATORS, ...BYTE_MUTATORS],
    run: async (input) => walkView(await openTarView(() => Readable.from([input]), { kind: "ios_fs", platform: "ios", root: "fuzz.tar", display: "fuzz.tar", limits: LIMITS })),
  },
  {
    name: "zip",
    what: "zip archives: ZipArchive in src/acquisitions/archive/zip.ts and zip-member.ts (yauzl)",
    seeds: (corpus) => [
      buildZip([{ name: "dumpsys.txt", data: "DUMP OF SERVICE package:\n  x\n".repeat(20) }, { name: "stored.txt", data: "plain", method: 0 }, { name: "link", data: "dumpsys.txt", mode: 0o120777 }, { name: "dir/", data: "" }]),
      buildZip([{ name: "a.txt", data: "aaaa".repeat(500) }], { overlap: 2 }),
      ...corpusFiles(corpus, "mvt-artifacts/androidqf.zip"),
    ],
    mutators: [...ZIP_MUTATORS, ...ZIP_MUTATORS, ...BYTE_MUTATORS],
    run: async (input) => {
      const zip = await ZipArchive.open(scratchFile("fuzz.zip", input), { display: "fuzz.zip", limits: LIMITS });
      try {
        let n = 0;
        for (const e of zip.list()) if (e.type === "file" && n++ < 50) await zip.readFile(e.path);
        return n;
      } finally {
        zip.close();
      }
    },
  },
  {
    name: "android-backup",
    what: "Android .ab backups: parseAbHeader / unlockAb / abTarStream in src/formats/android-backup.ts through openAndroidBackup",
    seeds: async (corpus) => {
      const members = [{ name: SMS_BACKUP_PATH, data: '[{"address":"+1555","body":"hi https://evil.example","date":"1700000000000","type":"1"}]' }, { name: "apps/com.x/_manifest", data: "1\ncom.x\n" }];
      return [
        await buildAb(members),
        await buildAb(members, { compressed: false }),
        await buildAb(members, { password: "fuzz", rounds: 1 }),
        ...corpusFiles(corpus, "mvt-artifacts/android_backup/backup.ab", "mvt-artifacts/android_backup/backup2.ab"),
      ];
    },
    mutators: BYTE_MUTATORS,
    run: async (input) => walkView(await openAndroidBackup(scratchFile("fuzz.ab", input), { display: "fuzz.ab", password: "fuzz", limits: LIMITS })),
  },
  {
    name: "age",
    what: "age-encrypted androidqf bundles: decryptAgeFile in src/acquisitions/android/androidqf.ts (age-encryption)",
    seeds: async () => [await ageEncrypt(Buffer.from("PK fuzz bundle ".repeat(100)), { passphrase: "fuzz" }), await ageEncrypt(Buffer.alloc(70_000, 0x61), { passphrase: "fuzz" })],
    mutators: BYTE_MUTATORS,
    timeoutMs: 20_000,
    run: async (input) => {
      const dest = join(scratchDir(), "plain.zip");
      rmSync(dest, { force: true });
      return decryptAgeFile(scratchFile("fuzz.age", input), dest, { passphrase: "fuzz" }, "fuzz.age");
    },
  },
];
