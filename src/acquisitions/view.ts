// The one read-only view every acquisition opener returns. Modules read through it and never
// learn which kind of acquisition (plain or encrypted backup, filesystem dump, archive,
// androidqf bundle, bugreport) they are reading.
import type { Readable } from "node:stream";
import type { DeviceInfo, InputFile, Platform } from "../core/model.ts";
import type { SqliteHandle } from "../formats/sqlite.ts";

/** What openSqlite gives: defined by the SQLite reader in formats/, named here with the rest of the view. */
export type { SqliteHandle };

export type AcquisitionKind =
  | "ios_backup"
  | "ios_fs"
  | "ios_sysdiagnose"
  | "androidqf"
  | "android_bugreport"
  | "android_backup"
  | "android_intrusion_logs"
  | "network"
  | "mvt_results";

/** One file inside an acquisition. */
export interface FileEntry {
  /**
   * Where the file sits inside the acquisition, as shown to users and written into detections:
   * "HomeDomain/Library/SMS/sms.db" for a backup, "private/var/mobile/Library/SMS/sms.db" for a
   * filesystem dump, "dumpsys.txt" for androidqf.
   */
  path: string;
  /** iOS backup domain and relative path, when the acquisition has them. */
  domain?: string;
  relativePath?: string;
  /** iOS backup file id (SHA-1 of domain-relativePath). */
  fileId?: string;
  size?: number;
  /** Times as UTC ISO-8601, when the acquisition records them. */
  modified?: string;
  changed?: string;
  created?: string;
  /** Mode, owner and other metadata the acquisition keeps (MBFile fields for a backup). */
  meta?: Record<string, unknown>;
  /** Entry type; regular file when absent. "special": a FIFO, socket or device (meta.special), listed, never read. */
  type?: "file" | "directory" | "symlink" | "special";
}

/**
 * What a module reads, declared as data so coverage and `vigil modules` derive from it.
 * Each acquisition kind uses the part that applies to it; a module with no part that applies
 * is "not applicable" there.
 */
export interface ArtifactSpec {
  /** iOS backup: domain (exact, or a glob such as "AppDomain-*") and relative path (glob). */
  backup?: { domain: string; path: string }[];
  /** iOS filesystem dump or sysdiagnose: path globs relative to the root ("private/var/**\/sms.db"). */
  fs?: string[];
  sysdiagnose?: string[];
  /** androidqf bundle: file name globs inside the bundle. */
  androidqf?: string[];
  /** Android bugreport: path globs inside the bugreport. */
  bugreport?: string[];
  /** Android backup (.ab): path globs inside the tar ("apps/com.android.providers.telephony/d_f/*_sms_backup"). */
  android_backup?: string[];
  /** Android intrusion logs folder: file globs. */
  intrusion_logs?: string[];
  /** Network captures and sensor logs: file globs (pcap, Zeek logs, eve.json, PCAPdroid CSV...). */
  network?: string[];
  /** Whole-acquisition modules (manifest listing, filesystem walk): run on these kinds. */
  whole?: AcquisitionKind[];
  /**
   * Services whose "DUMP OF SERVICE" sections the module reads from the dumpsys/dumpstate text its
   * androidqf or bugreport globs name. The text is split once per run, keeping the sections every
   * module of the run declares here.
   */
  dumpsys?: string[];
}

/** The ArtifactSpec key that names files on one kind of acquisition. */
export type SpecKey = Exclude<keyof ArtifactSpec, "whole" | "dumpsys">;

export interface AcquisitionView {
  kind: AcquisitionKind;
  platform: Platform;
  /** The path the user gave. */
  root: string;
  encrypted: boolean;
  device: DeviceInfo;
  /** Which ArtifactSpec key applies to this acquisition. */
  specKey: SpecKey;

  /** Files matching the spec's part for this kind; [] when nothing matches. */
  find(spec: ArtifactSpec): Promise<FileEntry[]>;
  /** Every entry, streamed (a 100 GB backup or a 1M-file dump is never listed into memory). */
  entries(): AsyncIterable<FileEntry>;
  /**
   * The same entries in pages, where the view reads them in pages anyway (an iPhone backup's
   * Manifest.db): an awaited step per page rather than per entry.
   */
  entryPages?(): AsyncIterable<FileEntry[]>;
  readFile(entry: FileEntry): Promise<Buffer>;
  openStream(entry: FileEntry): Promise<Readable>;
  /**
   * The evidence file's own path, when the entry is a plain file on disk (a folder's or a loose
   * file given on the command line; never a copy), for readers that read a big file in place
   * into a reused buffer. Logged for provenance like openStream. Undefined otherwise.
   */
  inPlacePath?(entry: FileEntry): Promise<string | undefined>;
  /**
   * The same file's bytes, read in place from start to end into one reused buffer (each chunk
   * valid until the next is asked for), for a reader of a whole big file: the read also hashes
   * the file for provenance, which inPlacePath and openStream do with a read of their own.
   * Undefined where inPlacePath would be.
   */
  readInPlace?(entry: FileEntry): Promise<AsyncIterable<Buffer> | undefined>;
  openSqlite(entry: FileEntry): Promise<SqliteHandle>;
  /**
   * SHA-256 and size of every input file read so far, for provenance. Views that hash some
   * files in the background (folders, archives, databases read in place) list them once their
   * `settled()` resolves.
   */
  inputsRead(): InputFile[];
  /** Removes private temp copies. Idempotent. */
  close(): Promise<void>;
  /**
   * How a worker thread can open this same acquisition again, to run some of the modules in
   * parallel (src/parallel). Absent where reopening would cost more than it saves. The spec
   * may hold a derived key: it is passed between threads in memory only, never written.
   */
  reopenSpec?(): ReopenSpec;
}

/** What a worker thread needs to open an acquisition the main thread already opened. */
export type ReopenSpec = {
  opener: "ios_backup";
  path: string;
  derivedKey?: Uint8Array;
  /**
   * The Manifest.db the main thread opened, which outlives the workers: its private plaintext
   * copy, or the evidence itself when it was read in place.
   */
  manifestCopy?: string;
};

/** A view's entries in pages: its own (entryPages) when it has them, else entries() gathered by 2000. */
export async function* entryPages(view: AcquisitionView): AsyncIterable<FileEntry[]> {
  if (view.entryPages) return yield* view.entryPages();
  let page: FileEntry[] = [];
  for await (const e of view.entries()) {
    page.push(e);
    if (page.length === 2000) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}
