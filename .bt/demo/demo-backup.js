import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildIosBackup } from "../acquisitions/ios-backup/build.js";
import { privateTempDir, removeTempDir } from "../core/tempdir.js";
import { writeDataUsageDb, writeSafariHistoryDb, writeSmsDb, writeWhatsAppDb } from "./synthetic.js";
const DEMO_SIZES = { sms: 60, smsLinkShare: 0.3, safariVisits: 120, processes: 40, whatsapp: 50, manifestFiles: 30 };
const START = Date.UTC(2021, 5, 1);
const END = Date.UTC(2021, 6, 15);
const DEMO_PLANTED = {
  smsLinks: [{ text: "Your parcel could not be delivered, see https://bun54l2b67.get1tn0w.free247downloads.com/p/88213", at: Date.UTC(2021, 6, 2, 8, 41, 12) }],
  visits: [{ url: "https://urlpush.net/r/7781d0", at: Date.UTC(2021, 6, 2, 8, 42, 3), redirectTo: "https://www.wikipedia.org/" }],
  processes: [
    { name: "bh", at: Date.UTC(2021, 6, 2, 8, 44, 0) },
    { name: "roleaboutd", at: Date.UTC(2021, 6, 2, 8, 45, 0) }
  ]
};
async function buildSyntheticBackup(dir, sizes, opts = {}) {
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
    const files = [
      { domain: "HomeDomain", relativePath: "Library/SMS/sms.db", fromFile: sms },
      { domain: "HomeDomain", relativePath: "Library/Safari/History.db", fromFile: history },
      { domain: "WirelessDomain", relativePath: "Library/Databases/DataUsage.sqlite", fromFile: usage },
      { domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", relativePath: "ChatStorage.sqlite", fromFile: chat }
    ];
    for (let i = 0; i < sizes.manifestFiles; i++) {
      files.push({ domain: `AppDomain-com.example.app${i % 40}`, relativePath: `Library/Caches/item-${i}.dat`, data: `cache entry ${i}
`, mtime: new Date(START + i * 6e4) });
    }
    mkdirSync(dir, { recursive: true });
    const built = await buildIosBackup(dir, {
      files,
      info: { "Product Version": "14.6", "Build Version": "18F72", "Product Type": "iPhone12,1", "Device Name": "Demo iPhone", ...opts.info },
      encrypted: opts.encrypted
    });
    return { dir: built.dir, derivedKeyHex: built.derivedKeyHex };
  } finally {
    removeTempDir(work);
  }
}
export {
  DEMO_PLANTED,
  DEMO_SIZES,
  buildSyntheticBackup
};
