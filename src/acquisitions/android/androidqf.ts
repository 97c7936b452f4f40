// androidqf acquisitions: the folder androidqf writes (getprop.txt, dumpsys.txt, packages.json,
// ps.txt/processes.json, files.json, settings_*.txt, backup.ab, bugreport.zip, ...), a .zip of
// it, or the age-encrypted .zip.age androidqf writes when a key is configured (decrypted as a
// stream into a private temp file, with a passphrase or an X25519 identity file).
// The backup.ab and bugreport.zip inside a bundle are acquisitions of their own: `nested()`
// opens them so the check runs their modules too.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, promises as fsp, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { VigilError, WrongPasswordError } from "../../core/errors.ts";
import { readHead } from "../../formats/file-magic.ts";
import type { InputFile } from "../../core/model.ts";
import { privateTempDir, removeTempDir } from "../../core/tempdir.ts";
import type { BaseView } from "../archive/base-view.ts";
import { openFolderView } from "../archive/folder-view.ts";
import type { ArchiveLimits } from "../archive/safety.ts";
import { openZipView } from "../archive/zip-view.ts";
import type { AcquisitionView, ArtifactSpec } from "../view.ts";
import { openAndroidBackup } from "./android-backup.ts";
import { openBugreport } from "./bugreport.ts";
import { acquiredFromAndroidqf, deviceFromGetprop, failedView, isDirectory, type SecretSource } from "./common.ts";

export interface AndroidqfOptions {
  /** age passphrase (scrypt recipient). */
  passphrase?: string;
  getPassphrase?: SecretSource;
  /** age identity file (AGE-SECRET-KEY-1... lines). */
  identityFile?: string;
  /** Password of the backup.ab inside the bundle, when it is encrypted. */
  backupPassword?: string;
  getBackupPassword?: SecretSource;
  display?: string;
  limits?: Partial<ArchiveLimits>;
  /** What the run's modules read (their `reads` merged), for the nested backup.ab. */
  wanted?: ArtifactSpec;
}

export interface NestedView {
  view: AcquisitionView;
  /** Output-file prefix, so module names shared with the bundle do not collide. */
  prefix: string;
}

export interface AndroidqfView extends BaseView {
  /** Views for the backup.ab and bugreport zip inside the bundle (opened on first call). */
  nested(): Promise<NestedView[]>;
}

/** Files androidqf writes; a folder or zip with none of them is not an androidqf acquisition. */
export const ANDROIDQF_MARKERS = [
  "getprop.txt",
  "packages.json",
  "dumpsys.txt",
  "ps.txt",
  "processes.txt",
  "processes.json",
  "files.json",
  "acquisition.json",
  "settings_global.txt",
  "settings_secure.txt",
  "root_binaries.json",
  "settings_system.txt",
  "logcat.txt",
  "hashes.csv",
  "command.log",
  "selinux.txt",
  "services.txt",
  "env.txt",
  "backup.ab",
  "bugreport.zip",
];

const AGE_MAGIC = "age-encryption.org/v1\n";
const AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";


export function isAgeFile(path: string): boolean {
  const h = readHead(path, AGE_ARMOR.length).toString("latin1");
  return h.startsWith(AGE_MAGIC) || h.startsWith(AGE_ARMOR);
}

/**
 * Recipient stanzas an age header may hold: each is tried with every identity given (an X25519
 * operation each, about half a millisecond), so a header of many thousands costs seconds per
 * megabyte. Files are encrypted to one recipient or a few.
 */
export const MAX_AGE_STANZAS = 1000;

/**
 * Bytes an age header may take, well above 1000 stanzas of the largest kind (a post-quantum
 * one takes about 1.6 KB): age-encryption keeps every header line as an object of its own,
 * several times the header's size in memory.
 */
export const MAX_AGE_HEADER = 4 << 20;

/** Counts the recipient stanzas ("-> " lines) and bytes of an age header fed in chunks, up to its MAC line ("--- "). */
class StanzaCounter {
  count = 0;
  bytes = 0;
  private done = false;
  /** The first bytes (up to 4) of the line being read. */
  private head = "";
  feed(c: Uint8Array): void {
    let i = 0;
    while (!this.done && i < c.length) {
      const nl = c.indexOf(0x0a, i);
      const end = nl < 0 ? c.length : nl;
      this.bytes += end + 1 - i;
      if (this.head.length < 4) this.head += Buffer.from(c.subarray(i, Math.min(end, i + 4 - this.head.length))).toString("latin1");
      if (nl < 0) return;
      if (this.head.startsWith("-> ")) this.count++;
      else if (this.head === "--- ") this.done = true;
      this.head = "";
      i = nl + 1;
    }
  }
  check(display: string): void {
    if (this.count > MAX_AGE_STANZAS) throw new VigilError(`age header lists more than ${MAX_AGE_STANZAS} recipients: damaged, or not an androidqf bundle`, { file: display, code: "format" });
    if (this.bytes > MAX_AGE_HEADER) throw new VigilError(`age header is longer than ${MAX_AGE_HEADER >> 20} MiB: damaged, or not an androidqf bundle`, { file: display, code: "format" });
  }
}

function readIdentities(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new VigilError(`cannot read the age identity file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, code: "usage" });
  }
  const ids = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^AGE-SECRET-KEY-/i.test(l));
  if (!ids.length) throw new VigilError("no AGE-SECRET-KEY-... line in the age identity file", { file, code: "usage" });
  return ids;
}

/**
 * Decrypts an age file into dest as a stream. Header problems (no matching identity, wrong
 * passphrase) are a WrongPasswordError; a damaged payload is a VigilError. Returns the
 * encrypted file's hash for provenance.
 */
export async function decryptAgeFile(path: string, dest: string, opts: { passphrase?: string; identityFile?: string }, display = path): Promise<InputFile> {
  // Loaded here, not at startup: it costs a tenth of a second and only age files need it.
  const { armor, Decrypter } = await import("age-encryption");
  const d = new Decrypter();
  if (opts.passphrase !== undefined) d.addPassphrase(opts.passphrase);
  if (opts.identityFile) for (const id of readIdentities(opts.identityFile)) d.addIdentity(id);
  const hash = createHash("sha256");
  let size = 0;
  const stanzas = new StanzaCounter();
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      // Counted before the decrypter sees the chunk: the header is refused before any key is tried.
      stanzas.feed(chunk);
      try {
        stanzas.check(display);
      } catch (e) {
        cb(e as Error);
        return;
      }
      cb(null, chunk);
    },
  });
  const armored = readHead(path, AGE_ARMOR.length).toString("latin1").startsWith(AGE_ARMOR);
  let plain: Readable;
  try {
    if (armored) {
      const text = await fsp.readFile(path, "utf8");
      hash.update(text);
      size = Buffer.byteLength(text);
      const bin = armor.decode(text);
      stanzas.feed(bin);
      stanzas.check(display);
      plain = Readable.from([Buffer.from(await d.decrypt(bin))]);
    } else {
      const src = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(tap);
      const web = Readable.toWeb(src) as unknown as ReadableStream<Uint8Array>;
      const out = await d.decrypt(web);
      plain = Readable.fromWeb(out as unknown as WebReadableStream<Uint8Array>);
    }
  } catch (e) {
    if (e instanceof VigilError) throw e;
    const m = (e as Error).message ?? String(e);
    // Only a key that fits no recipient is a wrong passphrase or identity; a damaged or
    // unsupported header (a scrypt stanza that is invalid or asks too much work, a header whose
    // MAC fails under the right key) is a file problem, which no other passphrase would cure.
    if (/no identity matched|incorrect passphrase/i.test(m)) {
      throw new WrongPasswordError(display, opts.identityFile ? "this age identity cannot decrypt the file" : "wrong age passphrase");
    }
    throw new VigilError(`not a readable age-encrypted file (${m})`, { file: display, code: "format", cause: e });
  }
  try {
    await pipeline(plain, createWriteStream(dest, { flags: "wx", mode: 0o600 }));
  } catch (e) {
    throw new VigilError(`age-encrypted file is truncated or corrupt (${(e as Error).message})`, { file: display, code: "format", cause: e });
  }
  return { path: display, sha256: hash.digest("hex"), size };
}

/** A folder with the bundle one level down (the folder androidqf ran in) is accepted too. */
function bundleFolderPrefix(path: string): string {
  const names = new Set(readdirSync(path));
  if (ANDROIDQF_MARKERS.some((m) => names.has(m))) return "";
  const subs = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory() && ANDROIDQF_MARKERS.some((m) => statSync(join(path, d.name, m), { throwIfNoEntry: false })));
  return subs.length === 1 ? subs[0].name : "";
}

export async function openAndroidqf(path: string, opts: AndroidqfOptions = {}): Promise<AndroidqfView> {
  const display = opts.display ?? path;
  const common = { kind: "androidqf" as const, platform: "android" as const, display, root: display, limits: opts.limits };
  let base: BaseView;
  let encrypted = false;
  let tmp: string | undefined;
  let ageInput: InputFile | undefined;
  if (isDirectory(path, display)) {
    base = openFolderView(path, { ...common, prefix: bundleFolderPrefix(path) });
  } else if (isAgeFile(path)) {
    encrypted = true;
    const passphrase = opts.passphrase ?? (opts.identityFile ? undefined : await opts.getPassphrase?.());
    if (passphrase === undefined && !opts.identityFile) {
      throw new VigilError("the androidqf archive is age-encrypted: give --passphrase (or VIGIL_AGE_PASSPHRASE) or --identity FILE", { file: display, code: "password" });
    }
    tmp = privateTempDir("androidqf");
    const zip = join(tmp, "bundle.zip");
    try {
      ageInput = await decryptAgeFile(path, zip, { passphrase, identityFile: opts.identityFile }, display);
      base = await openZipView(zip, { ...common, display: `${display} (decrypted)`, prefix: "auto", encrypted: true });
    } catch (e) {
      removeTempDir(tmp);
      throw e;
    }
  } else {
    base = await openZipView(path, { ...common, prefix: "auto" });
  }

  try {
    let found = false;
    for (const m of ANDROIDQF_MARKERS) if (await base.entry(m)) found = true;
    if (!found) throw new VigilError(`not an androidqf acquisition (none of ${ANDROIDQF_MARKERS.slice(0, 4).join(", ")}, ... found)`, { file: display, code: "format" });
    base.device = { ...base.device, ...(await deviceFromGetprop(base)), ...(await acquiredFromAndroidqf(base)) };
  } catch (e) {
    await base.close();
    if (tmp) removeTempDir(tmp);
    throw e;
  }

  let nestedViews: Promise<NestedView[]> | undefined;
  const baseClose = base.close.bind(base);
  const baseInputs = base.inputsRead.bind(base);
  const view = base as AndroidqfView;
  view.encrypted = encrypted;
  view.root = display;
  // Nested acquisitions list their own file; the bundle does not list it a second time.
  const nestedRoots = new Set<string>();
  view.inputsRead = () => {
    // For an age bundle, the evidence is the .age file; the decrypted zip's hash is listed too.
    const inner = baseInputs().filter((i) => !nestedRoots.has(i.path));
    return ageInput ? [ageInput, ...inner] : inner;
  };
  view.nested = () =>
    (nestedViews ??= openNested(view, opts, display).then((list) => {
      for (const n of list) nestedRoots.add(n.view.root);
      return list;
    }));
  view.close = async () => {
    if (nestedViews) for (const n of await nestedViews) await n.view.close();
    await baseClose();
    if (tmp) removeTempDir(tmp);
    tmp = undefined;
  };
  return view;
}

async function openNested(view: BaseView, opts: AndroidqfOptions, display: string): Promise<NestedView[]> {
  const out: NestedView[] = [];
  const ab = await view.entry("backup.ab");
  if (ab && (ab.type ?? "file") === "file" && (ab.size ?? 1) > 0) {
    const name = join(display, "backup.ab");
    let nested: BaseView;
    try {
      const local = await view.localPath(ab);
      nested = await openAndroidBackup(local, { password: opts.backupPassword, getPassword: opts.getBackupPassword, display: name, deferErrors: true, limits: opts.limits, wanted: opts.wanted });
    } catch (e) {
      nested = failedView({ kind: "android_backup", platform: "android", root: name, encrypted: false, error: e });
    }
    out.push({ view: nested, prefix: "backup_" });
  }
  let br = await view.entry("bugreport.zip");
  if (!br) {
    for await (const e of view.entries()) {
      if ((e.type ?? "file") === "file" && /^bugreport[^/]*\.zip$/i.test(e.path)) {
        br = e;
        break;
      }
    }
  }
  if (br && (br.type ?? "file") === "file") {
    const name = join(display, br.path);
    let nested: BaseView;
    try {
      nested = await openBugreport(await view.localPath(br), { display: name });
    } catch (e) {
      nested = failedView({ kind: "android_bugreport", platform: "android", root: name, encrypted: false, error: e });
    }
    out.push({ view: nested, prefix: "bugreport_" });
  }
  return out;
}
