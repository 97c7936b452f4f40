import { createDecipheriv, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { PassThrough } from "node:stream";
import { createInflate } from "node:zlib";
import { VigilError, WrongPasswordError } from "../core/errors.js";
const AB_MAGIC = "ANDROID BACKUP";
const MAX_ROUNDS = 5e6;
function readAbHeader(path, display = path) {
  const fd = openSync(path, "r");
  let head;
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    head = buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
  return parseAbHeader(head, display);
}
function parseAbHeader(head, display) {
  const lines = [];
  let pos = 0;
  const want = (n) => {
    while (lines.length < n) {
      const nl = head.indexOf(10, pos);
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
  const hex = (s, what) => {
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
    masterKeyBlob: hex(lines[8], "master key blob")
  };
}
function javaCharsUtf8(bytes) {
  const chars = [];
  for (const b of bytes) chars.push(b < 128 ? b : 65280 | b);
  return Buffer.from(String.fromCharCode(...chars), "utf8");
}
function unlockAb(h, password, display) {
  if (h.encryption !== "AES-256") throw new Error("backup is not encrypted");
  const pw = h.version === 1 ? Buffer.from(password, "latin1") : Buffer.from(password, "utf8");
  const userKey = pbkdf2Sync(pw, h.userSalt, h.rounds, 32, "sha1");
  let blob;
  try {
    const d = createDecipheriv("aes-256-cbc", userKey, h.userIv);
    blob = Buffer.concat([d.update(h.masterKeyBlob), d.final()]);
  } catch {
    throw new WrongPasswordError(display, "wrong password for this Android backup");
  }
  const parts = [];
  let p = 0;
  for (let i = 0; i < 3; i++) {
    const len = blob[p];
    if (len === void 0 || p + 1 + len > blob.length) throw new WrongPasswordError(display, "wrong password for this Android backup");
    parts.push(blob.subarray(p + 1, p + 1 + len));
    p += 1 + len;
  }
  const [iv, key, checksum] = parts;
  if (iv.length !== 16 || key.length !== 32) throw new WrongPasswordError(display, "wrong password for this Android backup");
  const material = h.version === 1 ? key : javaCharsUtf8(key);
  const calc = pbkdf2Sync(material, h.checksumSalt, h.rounds, Math.max(1, checksum.length), "sha1");
  const ok = checksum.length > 0 && calc.length === checksum.length && timingSafeEqual(calc, checksum);
  if (!ok) throw new WrongPasswordError(display, "wrong password for this Android backup");
  return { key: Buffer.from(key), iv: Buffer.from(iv) };
}
function abTarStream(path, h, key, display = path, counter) {
  let s = createReadStream(path, { start: h.dataOffset, highWaterMark: 1 << 20 });
  if (counter) s.on("data", (c) => counter.raw += c.length);
  const chain = [s];
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
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  for (const c of chain) c.on("error", (e) => out.destroy(wrapAbError(e, display)));
  out.on("close", () => {
    for (const c of chain) if (!c.destroyed) c.destroy();
  });
  return s.pipe(out);
}
function wrapAbError(e, display) {
  if (e instanceof VigilError) return e;
  const m = e.message;
  if (/bad decrypt|wrong final block length/i.test(m)) return new VigilError("Android backup is truncated or corrupt (decryption failed at the end of the data)", { file: display, code: "format", cause: e });
  if (/unexpected end of file/i.test(m)) return new VigilError("Android backup is truncated (compressed data ends early)", { file: display, code: "format", cause: e });
  if (/incorrect header check|invalid/i.test(m)) return new VigilError(`Android backup data is corrupt (${m})`, { file: display, code: "format", cause: e });
  return new VigilError(`cannot read Android backup (${m})`, { file: display, code: "format", cause: e });
}
export {
  AB_MAGIC,
  abTarStream,
  javaCharsUtf8,
  parseAbHeader,
  readAbHeader,
  unlockAb,
  wrapAbError
};
