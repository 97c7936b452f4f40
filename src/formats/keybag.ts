// The iOS backup keybag (TLV records in Manifest.plist → BackupKeyBag) and the crypto around
// it: password → key-encryption key (KEK), RFC 3394 unwrap of class keys, AES-256-CBC with a
// zero IV for Manifest.db and file payloads. Layout and rules: corpus FORMAT.md §3–§8.
import { createCipheriv, createDecipheriv, pbkdf2 } from "node:crypto";
import { promisify } from "node:util";
import { VigilError } from "../core/errors.ts";

const pbkdf2Async = promisify(pbkdf2);
const WRAP_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
export const ZERO_IV = Buffer.alloc(16);

export interface ClassKeyRecord {
  uuid?: Buffer;
  clas: number;
  /** 1: device UID key only, 2: password-derived key only, 3: both. */
  wrap: number;
  ktyp?: number;
  wpky?: Buffer;
  pbky?: Buffer;
}

export interface Keybag {
  version?: number;
  type?: number;
  uuid?: Buffer;
  hmck?: Buffer;
  wrap?: number;
  salt?: Buffer;
  iter?: number;
  dpwt?: number;
  dpic?: number;
  dpsl?: Buffer;
  classes: ClassKeyRecord[];
  /** Tags the parser did not know, kept so nothing is silently dropped. */
  unknownTags: string[];
}

/** Parses the TLV keybag. The first UUID and WRAP belong to the header; each later UUID opens a class record. */
export function parseKeybag(data: Buffer, file?: string): Keybag {
  const kb: Keybag = { classes: [], unknownTags: [] };
  let current: Partial<ClassKeyRecord> | undefined;
  let headerUuidSeen = false;
  const finish = () => {
    if (current && current.clas !== undefined) kb.classes.push({ wrap: 0, ...current, clas: current.clas });
    current = undefined;
  };
  let off = 0;
  while (off < data.length) {
    if (off + 8 > data.length) throw new VigilError(`keybag truncated at byte ${off}`, { file, code: "keybag" });
    const tag = data.toString("latin1", off, off + 4);
    const len = data.readUInt32BE(off + 4);
    const start = off + 8;
    // A damaged tag can hold any byte (a newline would split the one-line error): quoted then.
    const shown = /^[\x20-\x7e]{4}$/.test(tag) ? tag : JSON.stringify(tag);
    if (start + len > data.length) throw new VigilError(`keybag record ${shown} runs past the end`, { file, code: "keybag" });
    const value = data.subarray(start, start + len);
    const int = len === 4 ? value.readUInt32BE(0) : undefined;
    off = start + len;
    if (tag === "UUID") {
      if (!headerUuidSeen) {
        headerUuidSeen = true;
        kb.uuid = value;
      } else {
        finish();
        current = { uuid: value };
      }
      continue;
    }
    if (current) {
      switch (tag) {
        case "CLAS": current.clas = int; break;
        case "WRAP": current.wrap = int; break;
        case "KTYP": current.ktyp = int; break;
        case "WPKY": current.wpky = value; break;
        case "PBKY": current.pbky = value; break;
        default: kb.unknownTags.push(tag);
      }
      continue;
    }
    switch (tag) {
      case "VERS": kb.version = int; break;
      case "TYPE": kb.type = int; break;
      case "HMCK": kb.hmck = value; break;
      case "WRAP": kb.wrap = int; break;
      case "SALT": kb.salt = value; break;
      case "ITER": kb.iter = int; break;
      case "DPWT": kb.dpwt = int; break;
      case "DPIC": kb.dpic = int; break;
      case "DPSL": kb.dpsl = value; break;
      default: kb.unknownTags.push(tag);
    }
  }
  finish();
  if (!kb.salt || !kb.iter) throw new VigilError("keybag has no SALT/ITER (not a backup keybag?)", { file, code: "keybag" });
  if (kb.classes.length === 0) throw new VigilError("keybag has no class keys", { file, code: "keybag" });
  for (const [n, kdf] of [[kb.dpic, "PBKDF2-SHA256"], [kb.iter, "PBKDF2-SHA1"]] as const) {
    if (n !== undefined && n > MAX_ROUNDS) {
      throw new VigilError(`keybag asks for ${n.toLocaleString("en")} ${kdf} rounds, more than ${MAX_ROUNDS.toLocaleString("en")} (iOS writes 10,000,000 and 10,000): damaged keybag? not run`, { file, code: "keybag" });
    }
  }
  return kb;
}

/**
 * PBKDF2 rounds a keybag may ask for: ten times what iOS writes. A damaged DPIC (one bit of
 * 10,000,000 flipped) could ask for billions: half an hour of CPU before any message.
 */
const MAX_ROUNDS = 100_000_000;

/** iOS ≥ 10.2 keybags carry DPSL/DPIC and add a PBKDF2-SHA256 stage before the SHA-1 one. */
export function hasTwoStageKdf(kb: Keybag): boolean {
  return !!kb.dpsl && !!kb.dpic;
}

/**
 * Password → KEK (what MVT's extract-key prints). Uses the async PBKDF2 so the 10 M rounds of
 * a real backup (≈3 s) run on the thread pool, not on the event loop.
 */
export async function deriveKeyFromPassword(password: string, kb: Keybag): Promise<Buffer> {
  const utf8 = Buffer.from(password, "utf8");
  return kekFromStage1(hasTwoStageKdf(kb) ? await stage1(utf8, kb) : utf8, kb);
}

/** The PBKDF2-HMAC-SHA256 stage of iOS ≥ 10.2 keybags (DPSL, DPIC): the slow one. */
export function stage1(password: Buffer, kb: Keybag): Promise<Buffer> {
  return pbkdf2Async(password, kb.dpsl!, kb.dpic!, 32, "sha256");
}

/** The PBKDF2-HMAC-SHA1 stage (SALT, ITER) that yields the KEK. */
export function kekFromStage1(secret: Buffer, kb: Keybag): Promise<Buffer> {
  return pbkdf2Async(secret, kb.salt!, kb.iter!, 32, "sha1");
}

/** RFC 3394 unwrap; undefined when the integrity check fails (wrong key). */
export function aesUnwrap(kek: Buffer, wrapped: Buffer): Buffer | undefined {
  if (kek.length !== 32 || wrapped.length < 24 || wrapped.length % 8 !== 0) return undefined;
  try {
    const d = createDecipheriv("id-aes256-wrap", kek, WRAP_IV);
    return Buffer.concat([d.update(wrapped), d.final()]);
  } catch {
    return undefined;
  }
}

export function aesWrap(kek: Buffer, key: Buffer): Buffer {
  const c = createCipheriv("id-aes256-wrap", kek, WRAP_IV);
  return Buffer.concat([c.update(key), c.final()]);
}

/**
 * Unwraps every class key the password protects (WRAP & 2). Any failed unwrap means the KEK is
 * wrong: that is the only password check the format has. Returns undefined then.
 * WRAP 3 keys are still encrypted with the device UID key after this step; they are kept (a
 * payload never uses those classes) but marked so a caller can tell.
 */
export function unlockKeybag(kb: Keybag, kek: Buffer): Map<number, Buffer> | undefined {
  const keys = new Map<number, Buffer>();
  let tried = 0;
  for (const c of kb.classes) {
    if (!(c.wrap & 2) || !c.wpky) continue;
    tried++;
    const k = aesUnwrap(kek, c.wpky);
    if (!k) return undefined;
    keys.set(c.clas, k);
  }
  return tried > 0 ? keys : undefined;
}

/** `uint32le class ‖ 40-byte wrapped key` (ManifestKey, MBFile EncryptionKey). */
export function splitWrappedKey(data: Buffer): { clas: number; wrapped: Buffer } | undefined {
  if (data.length < 4 + 24) return undefined;
  return { clas: data.readUInt32LE(0), wrapped: data.subarray(4) };
}

/**
 * Removes PKCS#7 padding. `strict`: return undefined on invalid padding so the caller can apply
 * the tolerant rule of FORMAT.md §6 (keep a raw SQLite file whose padding is absent).
 */
export function stripPkcs7(data: Buffer): Buffer | undefined {
  if (data.length === 0 || data.length % 16 !== 0) return undefined;
  const n = data[data.length - 1];
  if (n < 1 || n > 16) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

/** AES-256-CBC, zero IV, no automatic padding handling (the caller decides). */
export function decryptCbcRaw(key: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv("aes-256-cbc", key, ZERO_IV);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

export function encryptCbcPkcs7(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv("aes-256-cbc", key, ZERO_IV);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Parses a KEK written by `extract-key` (64 hex chars; a trailing newline or spaces are tolerated). */
export function parseKeyHex(text: string, file?: string): Buffer {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) {
    throw new VigilError("not a backup key: expected 64 hexadecimal characters (the output of extract-key)", { file, code: "keyfile" });
  }
  return Buffer.from(t, "hex");
}

/** Serialises a keybag (test fixtures and the builder need to write one). */
export function buildKeybag(kb: Omit<Keybag, "unknownTags">): Buffer {
  const parts: Buffer[] = [];
  const rec = (tag: string, value: Buffer | number) => {
    const v = typeof value === "number" ? u32be(value) : value;
    const head = Buffer.alloc(8);
    head.write(tag, 0, 4, "latin1");
    head.writeUInt32BE(v.length, 4);
    parts.push(head, v);
  };
  if (kb.version !== undefined) rec("VERS", kb.version);
  if (kb.type !== undefined) rec("TYPE", kb.type);
  if (kb.uuid) rec("UUID", kb.uuid);
  if (kb.hmck) rec("HMCK", kb.hmck);
  if (kb.wrap !== undefined) rec("WRAP", kb.wrap);
  if (kb.salt) rec("SALT", kb.salt);
  if (kb.iter !== undefined) rec("ITER", kb.iter);
  if (kb.dpwt !== undefined) rec("DPWT", kb.dpwt);
  if (kb.dpic !== undefined) rec("DPIC", kb.dpic);
  if (kb.dpsl) rec("DPSL", kb.dpsl);
  for (const c of kb.classes) {
    rec("UUID", c.uuid ?? Buffer.alloc(16));
    rec("CLAS", c.clas);
    rec("WRAP", c.wrap);
    if (c.ktyp !== undefined) rec("KTYP", c.ktyp);
    if (c.wpky) rec("WPKY", c.wpky);
    if (c.pbky) rec("PBKY", c.pbky);
  }
  return Buffer.concat(parts);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
