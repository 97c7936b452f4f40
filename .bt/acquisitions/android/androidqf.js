import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, openSync, promises as fsp, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { armor, Decrypter } from "age-encryption";
import { VigilError, WrongPasswordError } from "../../core/errors.js";
import { privateTempDir, removeTempDir } from "../../core/tempdir.js";
import { openFolderView, openZipView } from "../archive.js";
import { openAndroidBackup } from "./android-backup.js";
import { openBugreport } from "./bugreport.js";
import { deviceFromGetprop, failedView, isDirectory } from "./common.js";
const ANDROIDQF_MARKERS = [
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
  "bugreport.zip"
];
const AGE_MAGIC = "age-encryption.org/v1\n";
const AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";
function head(path, n) {
  const b = Buffer.alloc(n);
  const fd = openSync(path, "r");
  try {
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}
function isAgeFile(path) {
  const h = head(path, AGE_ARMOR.length).toString("latin1");
  return h.startsWith(AGE_MAGIC) || h.startsWith(AGE_ARMOR);
}
function readIdentities(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new VigilError(`cannot read the age identity file (${e.code ?? e.message})`, { file, code: "usage" });
  }
  const ids = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^AGE-SECRET-KEY-/i.test(l));
  if (!ids.length) throw new VigilError("no AGE-SECRET-KEY-... line in the age identity file", { file, code: "usage" });
  return ids;
}
async function decryptAgeFile(path, dest, opts, display = path) {
  const d = new Decrypter();
  if (opts.passphrase !== void 0) d.addPassphrase(opts.passphrase);
  if (opts.identityFile) for (const id of readIdentities(opts.identityFile)) d.addIdentity(id);
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    }
  });
  const armored = head(path, AGE_ARMOR.length).toString("latin1").startsWith(AGE_ARMOR);
  let plain;
  try {
    if (armored) {
      const text = await fsp.readFile(path, "utf8");
      hash.update(text);
      size = Buffer.byteLength(text);
      const bin = armor.decode(text);
      plain = Readable.from([Buffer.from(await d.decrypt(bin))]);
    } else {
      const src = createReadStream(path, { highWaterMark: 1 << 20 }).pipe(tap);
      const web = Readable.toWeb(src);
      const out = await d.decrypt(web);
      plain = Readable.fromWeb(out);
    }
  } catch (e) {
    const m = e.message ?? String(e);
    if (/no identity matched|invalid header hmac|incorrect passphrase|scrypt|decrypt/i.test(m)) {
      throw new WrongPasswordError(display, opts.identityFile ? "this age identity cannot decrypt the file" : "wrong age passphrase");
    }
    throw new VigilError(`not a readable age-encrypted file (${m})`, { file: display, code: "format", cause: e });
  }
  try {
    await pipeline(plain, createWriteStream(dest, { flags: "wx", mode: 384 }));
  } catch (e) {
    throw new VigilError(`age-encrypted file is truncated or corrupt (${e.message})`, { file: display, code: "format", cause: e });
  }
  return { path: display, sha256: hash.digest("hex"), size };
}
function bundleFolderPrefix(path) {
  const names = new Set(readdirSync(path));
  if (ANDROIDQF_MARKERS.some((m) => names.has(m))) return "";
  const subs = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory() && ANDROIDQF_MARKERS.some((m) => statSync(join(path, d.name, m), { throwIfNoEntry: false })));
  return subs.length === 1 ? subs[0].name : "";
}
async function openAndroidqf(path, opts = {}) {
  const display = opts.display ?? path;
  const common = { kind: "androidqf", platform: "android", display, root: display, limits: opts.limits };
  let base;
  let encrypted = false;
  let tmp;
  let ageInput;
  if (isDirectory(path, display)) {
    base = openFolderView(path, { ...common, prefix: bundleFolderPrefix(path) });
  } else if (isAgeFile(path)) {
    encrypted = true;
    const passphrase = opts.passphrase ?? (opts.identityFile ? void 0 : await opts.getPassphrase?.());
    if (passphrase === void 0 && !opts.identityFile) {
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
    base.device = { ...base.device, ...await deviceFromGetprop(base) };
  } catch (e) {
    await base.close();
    if (tmp) removeTempDir(tmp);
    throw e;
  }
  let nestedViews;
  const baseClose = base.close.bind(base);
  const baseInputs = base.inputsRead.bind(base);
  const view = base;
  view.encrypted = encrypted;
  view.root = display;
  const nestedRoots = /* @__PURE__ */ new Set();
  view.inputsRead = () => {
    const inner = baseInputs().filter((i) => !nestedRoots.has(i.path));
    return ageInput ? [ageInput, ...inner] : inner;
  };
  view.nested = () => nestedViews ??= openNested(view, opts, display).then((list) => {
    for (const n of list) nestedRoots.add(n.view.root);
    return list;
  });
  view.close = async () => {
    if (nestedViews) for (const n of await nestedViews) await n.view.close();
    await baseClose();
    if (tmp) removeTempDir(tmp);
    tmp = void 0;
  };
  return view;
}
async function openNested(view, opts, display) {
  const out = [];
  const ab = await view.entry("backup.ab");
  if (ab && (ab.type ?? "file") === "file" && (ab.size ?? 1) > 0) {
    const name = join(display, "backup.ab");
    let nested;
    try {
      const local = await view.localPath(ab);
      nested = await openAndroidBackup(local, { password: opts.backupPassword, getPassword: opts.getBackupPassword, display: name, deferErrors: true, limits: opts.limits });
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
    let nested;
    try {
      nested = await openBugreport(await view.localPath(br), { display: name });
    } catch (e) {
      nested = failedView({ kind: "android_bugreport", platform: "android", root: name, encrypted: false, error: e });
    }
    out.push({ view: nested, prefix: "bugreport_" });
  }
  return out;
}
export {
  ANDROIDQF_MARKERS,
  decryptAgeFile,
  isAgeFile,
  openAndroidqf
};
