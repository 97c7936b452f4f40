// The Android backup (.ab) container written by `adb backup`: a text header, then a tar stream
// that is optionally AES-256-CBC encrypted and optionally zlib-deflated (encrypt, then deflate
// inside: the file is cipher(deflate(tar))).
//
// Header lines: "ANDROID BACKUP", format version (1-5), compressed flag (0/1), encryption
// ("none" or "AES-256"); when encrypted also: user password salt (hex), master key checksum
// salt (hex), PBKDF2 rounds, user key IV (hex), master key blob (hex).
//
// The master key blob is AES-256-CBC(key = PBKDF2-HMAC-SHA1(password, user salt, rounds, 32),
// iv = user IV) of: len|master IV, len|master key, len|checksum. The checksum is PBKDF2 over
// the master key *as Java sees it*: the framework widens each (signed) byte to a char, so bytes
// >= 0x80 become U+FF80..U+FFFF, and PBKDF2WithHmacSHA1 feeds the chars to HMAC as UTF-8.
// Format version 1 used PBKDF2WithHmacSHA1And8bit (the low byte of each char) for both the
// password and the checksum. A checksum mismatch, or bad padding on the blob, means a wrong
// password.
import { createDecipheriv, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import { createInflate } from "node:zlib";
import { VigilError, WrongPasswordError } from "../core/errors.ts";

export const AB_MAGIC = "ANDROID BACKUP";
/** More rounds than any device writes (10000) by far; refuses a header built to stall us. */
const MAX_ROUNDS = 5_000_000;

export interface AbHeader {
  version: number;
  compressed: boolean;
  encryption: "none" | "AES-256";
  /** Byte offset where the (encrypted and/or compressed) tar data starts. */
  dataOffset: number;
  userSalt?: Buffer;
  checksumSalt?: Buffer;
  rounds?: number;
  userIv?: Buffer;
  masterKeyBlob?: Buffer;
}

/** Reads the header from the start of the file without reading the payload. */
export function readAbHeader(path: string, display = path): AbHeader {
  const fd = openSync(path, "r");
  let head: Buffer;
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    head = buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  return parseAbHeader(head, display);
}

export function parseAbHeader(head: Buffer, display: string): AbHeader {
  const lines: string[] = [];
  let pos = 0;
  const want = (n: number) => {
    while (lines.length < n) {
      const nl = head.indexOf(0x0a, pos);
      if (nl < 0) throw new VigilError(lines.length === 0 ? "not an Android backup (empty file)" : "truncated Android backup header", { file: display, code: "format" });
      lines.push(head.subarray(pos, nl).toString("latin1"));
      pos = nl + 1;
    }
  };
  if (head.length < AB_MAGIC.length || head.subarray(0, AB_MAGIC.length).toString("latin1") !== AB_MAGIC) {
    throw new VigilError('not an Android backup (no "ANDROID BACKUP" header)', { file: display, code: "format" });
  }
  want(4);
  const version = Number(lines[1]);
  if (!Number.isInteger(version) || version < 1 || version > 10) throw new VigilError(`unsupported Android backup format version "${lines[1]}"`, { file: display, code: "format" });
  if (lines[2] !== "0" && lines[2] !== "1") throw new VigilError(`bad compressed flag "${lines[2]}" in Android backup header`, { file: display, code: "format" });
  const compressed = lines[2] === "1";
  const enc = lines[3];
  if (enc === "none") return { version, compressed, encryption: "none", dataOffset: pos };
  if (enc !== "AES-256") throw new VigilError(`unsupported Android backup encryption "${enc}"`, { file: display, code: "format" });
  want(9);
  const hex = (s: string, what: string) => {
    if (!/^[0-9a-fA-F]*$/.test(s) || s.length % 2) throw new VigilError(`malformed ${what} in Android backup header`, { file: display, code: "format" });
    return Buffer.from(s, "hex");
  };
  const rounds = Number(lines[6]);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) throw new VigilError(`bad PBKDF2 round count "${lines[6]}" in Android backup header`, { file: display, code: "format" });
  const userIv = hex(lines[7], "user key IV");
  if (userIv.length !== 16) throw new VigilError("malformed user key IV in Android backup header", { file: display, code: "format" });
  return {
    version,
    compressed,
    encryption: "AES-256",
    dataOffset: pos,
    userSalt: hex(lines[4], "user password salt"),
    checksumSalt: hex(lines[5], "master key checksum salt"),
    rounds,
    userIv,
    masterKeyBlob: hex(lines[8], "master key blob"),
  };
}

/** The master key bytes as PBKDF2WithHmacSHA1 receives them: Java chars, encoded as UTF-8. */
export function javaCharsUtf8(bytes: Buffer): Buffer {
  const chars: number[] = [];
  for (const b of bytes) chars.push(b < 0x80 ? b : 0xff00 | b);
  return Buffer.from(String.fromCharCode(...chars), "utf8");
}

export interface AbKey {
  key: Buffer;
  iv: Buffer;
}

/** Unwraps the master key with the password; WrongPasswordError when it does not fit. */
export function unlockAb(h: AbHeader, password: string, display: string): AbKey {
  if (h.encryption !== "AES-256") throw new Error("backup is not encrypted");
  const pw = h.version === 1 ? Buffer.from(password, "latin1") : Buffer.from(password, "utf8");
  const userKey = pbkdf2Sync(pw, h.userSalt!, h.rounds!, 32, "sha1");
  let blob: Buffer;
  try {
    const d = createDecipheriv("aes-256-cbc", userKey, h.userIv!);
    blob = Buffer.concat([d.update(h.masterKeyBlob!), d.final()]);
  } catch {
    throw new WrongPasswordError(display, "wrong password for this Android backup");
  }
  const parts: Buffer[] = [];
  let p = 0;
  for (let i = 0; i < 3; i++) {
    const len = blob[p];
    if (len === undefined || p + 1 + len > blob.length) throw new WrongPasswordError(display, "wrong password for this Android backup");
    parts.push(blob.subarray(p + 1, p + 1 + len));
    p += 1 + len;
  }
  const [iv, key, checksum] = parts;
  if (iv.length !== 16 || key.length !== 32) throw new WrongPasswordError(display, "wrong password for this Android backup");
  // Checked against real backups: format 2+ needs the Java char conversion, raw bytes fail.
  const material = h.version === 1 ? key : javaCharsUtf8(key);
  const calc = pbkdf2Sync(material, h.checksumSalt!, h.rounds!, Math.max(1, checksum.length), "sha1");
  const ok = checksum.length > 0 && calc.length === checksum.length && timingSafeEqual(calc, checksum);
  if (!ok) throw new WrongPasswordError(display, "wrong password for this Android backup");
  return { key: Buffer.from(key), iv: Buffer.from(iv) };
}

/**
 * A fresh stream of the tar inside the backup: decrypted and inflated as it is read, never held
 * whole in memory. Errors from decryption or inflation come out as one-line VigilErrors.
 */
export function abTarStream(path: string, h: AbHeader, key: AbKey | undefined, display = path, counter?: { raw: number }): Readable {
  let s: Readable = createReadStream(path, { start: h.dataOffset, highWaterMark: 1 << 20 });
  if (counter) s.on("data", (c: Buffer) => (counter.raw += c.length));
  const chain: Readable[] = [s];
  if (h.encryption === "AES-256") {
    if (!key) throw new VigilError("the backup is encrypted: a password is needed", { file: display, code: "password" });
    const d = createDecipheriv("aes-256-cbc", key.key, key.iv);
    s = s.pipe(d);
    chain.push(s);
  }
  if (h.compressed) {
    s = s.pipe(createInflate());
    chain.push(s);
  }
  if (chain.length === 1) return s;
  // Every stage's error reaches the reader once, in one-line wording.
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  for (const c of chain) c.on("error", (e: Error) => out.destroy(wrapAbError(e, display)));
  out.on("close", () => {
    for (const c of chain) if (!c.destroyed) c.destroy();
  });
  return s.pipe(out);
}

export function wrapAbError(e: Error, display: string): Error {
  if (e instanceof VigilError) return e;
  const m = e.message;
  if (/bad decrypt|wrong final block length/i.test(m)) return new VigilError("Android backup is truncated or corrupt (decryption failed at the end of the data)", { file: display, code: "format", cause: e });
  if (/unexpected end of file/i.test(m)) return new VigilError("Android backup is truncated (compressed data ends early)", { file: display, code: "format", cause: e });
  if (/incorrect header check|invalid/i.test(m)) return new VigilError(`Android backup data is corrupt (${m})`, { file: display, code: "format", cause: e });
  return new VigilError(`cannot read Android backup (${m})`, { file: display, code: "format", cause: e });
}
