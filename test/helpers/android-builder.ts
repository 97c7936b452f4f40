// Builds Android acquisitions in code for tests: .ab backups (plain, deflated, AES-256 like the
// framework writes them), androidqf bundles (folder, zip, age-encrypted zip) and bugreports.
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { deflateSync } from "node:zlib";
import { Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { javaCharsUtf8 } from "../../src/formats/android-backup.ts";
import { buildTar, buildZip, type TarMember, type ZipMember } from "./archive-builder.ts";

export const SMS_BACKUP_PATH = "apps/com.android.providers.telephony/d_f/000000_sms_backup";

export interface AbOptions {
  version?: number;
  compressed?: boolean;
  password?: string;
  rounds?: number;
  /** Test hook: compute the checksum over the raw key bytes (what a naive writer would do). */
  rawChecksum?: boolean;
  /** Force high bytes into the master key, so the Java char quirk matters. */
  masterKey?: Buffer;
}

/** An .ab file: header, then [AES-256-CBC]([zlib](tar)). */
export async function buildAb(members: TarMember[], opts: AbOptions = {}): Promise<Buffer> {
  const version = opts.version ?? 5;
  const compressed = opts.compressed ?? true;
  const tar = await buildTar(members);
  let payload = compressed ? deflateSync(tar) : tar;
  const lines = ["ANDROID BACKUP", String(version), compressed ? "1" : "0"];
  if (opts.password === undefined) {
    lines.push("none");
  } else {
    const rounds = opts.rounds ?? 10000;
    const userSalt = randomBytes(64);
    const ckSalt = randomBytes(64);
    const userIv = randomBytes(16);
    const mk = opts.masterKey ?? Buffer.concat([Buffer.from([0x9c, 0xff, 0x80, 0x7f]), randomBytes(28)]);
    const mIv = randomBytes(16);
    const pw = version === 1 ? Buffer.from(opts.password, "latin1") : Buffer.from(opts.password, "utf8");
    const userKey = pbkdf2Sync(pw, userSalt, rounds, 32, "sha1");
    const ck = pbkdf2Sync(version === 1 || opts.rawChecksum ? mk : javaCharsUtf8(mk), ckSalt, rounds, 32, "sha1");
    const blobPlain = Buffer.concat([Buffer.from([mIv.length]), mIv, Buffer.from([mk.length]), mk, Buffer.from([ck.length]), ck]);
    const c1 = createCipheriv("aes-256-cbc", userKey, userIv);
    const blob = Buffer.concat([c1.update(blobPlain), c1.final()]);
    const hex = (b: Buffer) => b.toString("hex").toUpperCase();
    lines.push("AES-256", hex(userSalt), hex(ckSalt), String(rounds), hex(userIv), hex(blob));
    const c2 = createCipheriv("aes-256-cbc", mk, mIv);
    payload = Buffer.concat([c2.update(payload), c2.final()]);
  }
  return Buffer.concat([Buffer.from(lines.join("\n") + "\n", "latin1"), payload]);
}

export const SAMPLE_GETPROP = [
  "[ro.product.model]: [Pixel 7]",
  "[ro.product.manufacturer]: [Google]",
  "[ro.build.version.release]: [14]",
  "[ro.build.version.security_patch]: [2024-03-05]",
  "[ro.build.fingerprint]: [google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys]",
  "[ro.build.version.sdk]: [34]",
  "",
].join("\n");

/** The files of a small androidqf bundle (name -> content). */
export function androidqfFiles(extra: Record<string, Buffer | string> = {}): Record<string, Buffer | string> {
  return {
    "getprop.txt": SAMPLE_GETPROP,
    "ps.txt": "USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 100 10 0 0 S init\n",
    "packages.json": "[]",
    "dumpsys.txt": "DUMP OF SERVICE package:\n",
    ...extra,
  };
}

export function writeFolder(root: string, files: Record<string, Buffer | string>): string {
  for (const [name, data] of Object.entries(files)) {
    const p = join(root, ...name.split("/"));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }
  return root;
}

export function zipOf(files: Record<string, Buffer | string>, folder = ""): Buffer {
  const members: ZipMember[] = Object.entries(files).map(([name, data]) => ({ name: folder ? `${folder}/${name}` : name, data }));
  return buildZip(members);
}

/** age-encrypts data with a passphrase (low scrypt work factor: tests only) or a fresh X25519 identity. */
export async function ageEncrypt(data: Buffer, with_: { passphrase: string } | { identity: string }): Promise<Buffer> {
  const e = new Encrypter();
  if ("passphrase" in with_) {
    e.setPassphrase(with_.passphrase);
    e.setScryptWorkFactor(10);
  } else {
    e.addRecipient(await identityToRecipient(with_.identity));
  }
  return Buffer.from(await e.encrypt(data));
}

export async function newAgeIdentity(): Promise<string> {
  return generateX25519Identity();
}

/** A bugreport zip: main_entry.txt naming the main file, the main file, tombstones. */
export function bugreportFiles(opts: { main?: string; mainText?: string; tombstones?: number } = {}): Record<string, Buffer | string> {
  const main = opts.main ?? "bugreport-panther-UQ1A.240205.004-2024-03-20-10-00-00.txt";
  const text =
    opts.mainText ??
    [
      "========================================================",
      "== dumpstate: 2024-03-20 10:00:00",
      "========================================================",
      "",
      "Build: UQ1A.240205.004",
      "Build fingerprint: 'google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys'",
      "Bootloader: slider-1.2",
      "------ SYSTEM PROPERTIES (getprop) ------",
      "[ro.product.model]: [Pixel 7]",
      "[ro.build.version.release]: [14]",
      "[ro.build.version.security_patch]: [2024-03-05]",
      "------ 0.010s was the duration of 'SYSTEM PROPERTIES' ------",
      "",
    ].join("\n");
  const files: Record<string, Buffer | string> = { "main_entry.txt": main, [main]: text, "version.txt": "2.0" };
  for (let i = 0; i < (opts.tombstones ?? 1); i++) files[`FS/data/tombstones/tombstone_0${i}`] = `*** *** ***\npid: ${100 + i}, tid: ${100 + i}, name: proc${i}  >>> proc${i} <<<\n`;
  return files;
}
