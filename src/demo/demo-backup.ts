// The demo acquisition: a small synthetic iPhone backup with a few planted traces taken from the
// bundled public Pegasus indicators (Amnesty's 2021-07-18_nso set). The benchmark uses the same
// generator with large sizes.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildIosBackup, type BackupFileSpec } from "../acquisitions/ios-backup/build.ts";
import { privateTempDir, removeTempDir } from "../core/tempdir.ts";
import { writeDataUsageDb, writeSafariHistoryDb, writeSmsDb, writeWhatsAppDb, type Planted } from "./synthetic.ts";

export interface BackupSizes {
  sms: number;
  /** Share of SMS holding a link. */
  smsLinkShare: number;
  safariVisits: number;
  processes: number;
  whatsapp: number;
  /** Extra files listed in the manifest (each with a small payload). */
  manifestFiles: number;
}

export const DEMO_SIZES: BackupSizes = { sms: 60, smsLinkShare: 0.3, safariVisits: 120, processes: 40, whatsapp: 50, manifestFiles: 30 };

const START = Date.UTC(2021, 5, 1);
const END = Date.UTC(2021, 6, 15);

/** The traces planted in the demo; each comes from the bundled Amnesty Pegasus indicators. */
export const DEMO_PLANTED: Required<Planted> = {
  smsLinks: [{ text: "Your parcel could not be delivered, see https://bun54l2b67.get1tn0w.free247downloads.com/p/88213", at: Date.UTC(2021, 6, 2, 8, 41, 12) }],
  visits: [{ url: "https://urlpush.net/r/7781d0", at: Date.UTC(2021, 6, 2, 8, 42, 3), redirectTo: "https://www.wikipedia.org/" }],
  processes: [
    { name: "bh", at: Date.UTC(2021, 6, 2, 8, 44, 0) },
    { name: "roleaboutd", at: Date.UTC(2021, 6, 2, 8, 45, 0) },
  ],
};

export async function buildSyntheticBackup(
  dir: string,
  sizes: BackupSizes,
  opts: {
    planted?: Planted;
    encrypted?: { password: string; dpic?: number; iter?: number };
    info?: Record<string, string>;
    /** More files for the backup (a preferences plist a test needs). */
    extraFiles?: BackupFileSpec[];
  } = {},
): Promise<{ dir: string; derivedKeyHex?: string }> {
  const work = privateTempDir("synthetic");
  try {
    const planted = opts.planted ?? {};
    const sms = join(work, "sms.db");
    const history = join(work, "History.db");
    const usage = join(work, "DataUsage.sqlite");
    const chat = join(work, "ChatStorage.sqlite");
    writeSmsDb(sms, { messages: sizes.sms, linkShare: sizes.smsLinkShare, start: START, end: END, planted: planted.smsLinks });
    writeSafariHistoryDb(history, { visits: sizes.safariVisits, start: START, end: END, planted: planted.visits });
    writeDataUsageDb(usage, { processes: sizes.processes, start: START, end: END, planted: planted.processes });
    writeWhatsAppDb(chat, { messages: sizes.whatsapp, start: START, end: END });
    const files: BackupFileSpec[] = [
      { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", fromFile: sms },
      { domain: "HomeDomain", relativePath: "Library/Safari/History.db", fromFile: history },
      { domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite", fromFile: usage },
      { domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", relativePath: "ChatStorage.sqlite", fromFile: chat },
      ...(opts.extraFiles ?? []),
    ];
    for (let i = 0; i < sizes.manifestFiles; i++) {
      files.push({ domain: `AppDomain-com.example.app${i % 40}`, relativePath: `Library/Caches/item-${i}.dat`, data: `cache entry ${i}\n`, mtime: new Date(START + i * 60_000) });
    }
    mkdirSync(dir, { recursive: true });
    const built = await buildIosBackup(dir, {
      files,
      info: { "Product Version": "14.6", "Build Version": "18F72", "Product Type": "iPhone12,1", "Device Name": "Demo iPhone", ...opts.info },
      encrypted: opts.encrypted,
    });
    return { dir: built.dir, derivedKeyHex: built.derivedKeyHex };
  } finally {
    removeTempDir(work);
  }
}
