// Which kind of acquisition a path is, from a look at it (names, first bytes, an archive's
// first entries), for `vigil check PATH` and `vigil case add`: nothing is opened or extracted.
// The opener of the kind found then reads it for real and says what is wrong with it.
import { trimEndOf } from "../core/trim.ts";
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { VigilError } from "../core/errors.ts";
import { isRegularFile } from "../core/regular-file.ts";
import { ANDROIDQF_MARKERS, isAgeFile } from "./android/androidqf.ts";
import { readHead } from "../formats/file-magic.ts";
import { walkTar } from "./archive/tar.ts";
import { ZipArchive } from "./archive/zip.ts";
import { isBackupFolder } from "./ios-backup/locate.ts";
import { unpackedBackupRoot } from "./android/android-backup.ts";
import { captureMagic } from "../formats/network/capture.ts";
import { sourceKind } from "../formats/network/sources.ts";

export type AcquisitionKind = "ios_backup" | "android_backup" | "ios_fs" | "ios_sysdiagnose" | "androidqf" | "android_bugreport" | "android_intrusion_logs" | "network";

export interface Detected {
  kind: AcquisitionKind;
  /** What gave it away, for the terminal. */
  because: string;
}

const SYSDIAGNOSE_MARKERS = ["sysdiagnose.log", "system_logs.logarchive", "remotectl_dumpstate.txt"];
// ps.txt is in both a sysdiagnose and an androidqf bundle: it decides nothing alone.
const ANDROIDQF_ONLY = ANDROIDQF_MARKERS.filter((m) => !["ps.txt", "logcat.txt", "command.log"].includes(m));
const BUGREPORT_MAIN = /^(main_entry\.txt|dumpstate\.txt|bugreport-.*\.txt)$/;
/** Tar entries looked at before giving up on an archive. */
const TAR_PEEK = 2000;


/** What entry names (relative to the acquisition's top, wrapper folder removed) say. */
function fromNames(names: string[]): Detected | undefined {
  const tops = new Set<string>();
  let fs = false;
  for (const raw of names) {
    const n = raw.replace(/^\.\//, "");
    const parts = n.split("/").filter(Boolean);
    // The top-level name, and the one below a single wrapper folder.
    if (parts.length) tops.add(parts[0]);
    if (parts.length > 1) tops.add(parts[1]);
    if (/(^|\/)private\/var(\/|$)/.test(n)) fs = true;
  }
  const has = (list: string[]) => list.find((m) => tops.has(m));
  const qf = has(ANDROIDQF_ONLY);
  if (qf) return { kind: "androidqf", because: `holds ${qf}` };
  const main = [...tops].find((t) => BUGREPORT_MAIN.test(t));
  if (main) return { kind: "android_bugreport", because: `holds ${main}` };
  const sd = has(SYSDIAGNOSE_MARKERS) ?? (tops.has("ps.txt") ? "ps.txt" : undefined);
  if (sd) return { kind: "ios_sysdiagnose", because: `holds ${sd}` };
  if (fs) return { kind: "ios_fs", because: "holds private/var" };
  return undefined;
}

/**
 * Network evidence among names (what `vigil check-network` reads: captures, Zeek logs, Suricata's
 * eve.json, the App Privacy Report, PCAPdroid's CSV). A CSV alone decides only when nothing else
 * in the list is a file of another kind of acquisition, which fromNames has ruled out already.
 */
function networkFromNames(names: string[]): Detected | undefined {
  const hit = names.map((n) => trimEndOf(n, "/")).find((n) => sourceKind(n) && sourceKind(n) !== "pcapdroid") ?? names.find((n) => sourceKind(n) === "pcapdroid");
  if (!hit) return undefined;
  const what: Record<string, string> = { capture: "a packet capture", zeek: "a Zeek log", eve: "Suricata's eve.json", apr: "an App Privacy Report", pcapdroid: "a PCAPdroid CSV" };
  const base = hit.replace(/^.*\//, "");
  return { kind: "network", because: names.length === 1 ? `is ${what[sourceKind(hit)!]}` : `holds ${what[sourceKind(hit)!]} (${base})` };
}

function folderNames(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    out.push(d.name);
    if (d.isDirectory()) {
      try {
        for (const c of readdirSync(join(dir, d.name)).slice(0, 5000)) out.push(`${d.name}/${c}`);
      } catch {
        // An unreadable subfolder says nothing.
      }
    }
  }
  return out;
}

function looksLikeJsonLines(path: string): boolean {
  const text = readHead(path, 64 * 1024).toString("utf8");
  return text.split("\n").some((l) => /^\s*\{/.test(l));
}

async function tarNames(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    await walkTar(path, (e) => {
      names.push(e.path);
      return names.length < TAR_PEEK;
    }, { onUnsafe: "skip", display: path });
  } catch {
    // A cut or damaged archive still told us its first names.
  }
  return names;
}

export async function detectAcquisition(path: string): Promise<Detected> {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new VigilError("no such file or folder", { file: path, code: "usage" });
  const name = basename(path);
  if (st.isDirectory()) {
    if (isBackupFolder(path)) return { kind: "ios_backup", because: "holds Manifest.db and Info.plist" };
    const kids = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory());
    const backups = kids.filter((d) => isBackupFolder(join(path, d.name)));
    if (backups.length) return { kind: "ios_backup", because: `holds the backup ${backups[0].name}` };
    const names = folderNames(path);
    const found = fromNames(names) ?? networkFromNames(names);
    if (found) return found;
    if (unpackedBackupRoot(path) !== undefined) return { kind: "android_backup", because: "holds the apps/ tree of an unpacked Android backup" };
    // Only regular files are looked into: a FIFO named like a log blocks its reader for ever.
    const files = readdirSync(path).filter((n) => /\.(json|jsonl|log|txt)$/i.test(n) && isRegularFile(join(path, n)));
    if (files.length && files.some((f) => looksLikeJsonLines(join(path, f)))) return { kind: "android_intrusion_logs", because: "holds JSON-lines log files" };
    throw new VigilError("cannot tell what kind of acquisition this folder is (no iPhone backup, file system dump, sysdiagnose, androidqf, bugreport, intrusion logs or network capture found); use the check-* command for its kind", { file: path, code: "usage" });
  }
  // A capture or sensor log by its name (also a gzip-compressed capture), before any look inside.
  const byName = networkFromNames([name]);
  if (byName && sourceKind(name) !== "pcapdroid") return byName;
  const h = readHead(path, 512);
  const magic = captureMagic(h);
  if (magic === "pcap" || magic === "pcapng") return { kind: "network", because: `is a ${magic} capture` };
  if (h.subarray(0, 14).toString("latin1") === "ANDROID BACKUP") return { kind: "android_backup", because: "starts with ANDROID BACKUP" };
  if (isAgeFile(path)) return { kind: "androidqf", because: "is age-encrypted (an androidqf bundle)" };
  if (/^sysdiagnose_.*\.tar(\.gz)?$/i.test(name)) return { kind: "ios_sysdiagnose", because: "is named sysdiagnose_*" };
  const isZip = h.readUInt32LE(0) === 0x04034b50;
  const isGzip = h[0] === 0x1f && h[1] === 0x8b;
  const isTar = h.length >= 262 && h.subarray(257, 262).toString("latin1") === "ustar";
  if (isZip) {
    let zip: ZipArchive | undefined;
    try {
      zip = await ZipArchive.open(path, { onUnsafe: "skip" });
      const names = [...zip.list()].map((e) => e.path);
      const found = fromNames(names) ?? networkFromNames(names);
      if (found) return found;
    } catch (e) {
      throw new VigilError(`cannot tell what kind of acquisition this zip is (${(e as Error).message})`, { file: path, code: "usage" });
    } finally {
      zip?.close();
    }
    throw new VigilError("cannot tell what kind of acquisition this zip is (no androidqf, bugreport, file system dump or network capture entries)", { file: path, code: "usage" });
  }
  if (isGzip || isTar) {
    const found = fromNames(await tarNames(path));
    if (found) return found;
    throw new VigilError("cannot tell what kind of acquisition this archive is (no sysdiagnose or file system dump entries among its first ones)", { file: path, code: "usage" });
  }
  if (looksLikeJsonLines(path)) return { kind: "android_intrusion_logs", because: "holds JSON lines" };
  if (byName) return byName;
  throw new VigilError("cannot tell what kind of acquisition this file is; use the check-* command for its kind", { file: path, code: "usage" });
}
