import { createCipheriv, createDecipheriv, pbkdf2 } from "node:crypto";
import { promisify } from "node:util";
import { VigilError } from "../core/errors.js";
const pbkdf2Async = promisify(pbkdf2);
const WRAP_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");
const ZERO_IV = Buffer.alloc(16);
function parseKeybag(data, file) {
  const kb = { classes: [], unknownTags: [] };
  let current;
  let headerUuidSeen = false;
  const finish = () => {
    if (current && current.clas !== void 0) kb.classes.push({ wrap: 0, ...current, clas: current.clas });
    current = void 0;
  };
  let off = 0;
  while (off < data.length) {
    if (off + 8 > data.length) throw new VigilError(`keybag truncated at byte ${off}`, { file, code: "keybag" });
    const tag = data.toString("latin1", off, off + 4);
    const len = data.readUInt32BE(off + 4);
    const start = off + 8;
    if (start + len > data.length) throw new VigilError(`keybag record ${tag} runs past the end`, { file, code: "keybag" });
    const value = data.subarray(start, start + len);
    const int = len === 4 ? value.readUInt32BE(0) : void 0;
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
        case "CLAS":
          current.clas = int;
          break;
        case "WRAP":
          current.wrap = int;
          break;
        case "KTYP":
          current.ktyp = int;
          break;
        case "WPKY":
          current.wpky = value;
          break;
        case "PBKY":
          current.pbky = value;
          break;
        default:
          kb.unknownTags.push(tag);
      }
      continue;
    }
    switch (tag) {
      case "VERS":
        kb.version = int;
        break;
      case "TYPE":
        kb.type = int;
        break;
      case "HMCK":
        kb.hmck = value;
        break;
      case "WRAP":
        kb.wrap = int;
        break;
      case "SALT":
        kb.salt = value;
        break;
      case "ITER":
        kb.iter = int;
        break;
      case "DPWT":
        kb.dpwt = int;
        break;
      case "DPIC":
        kb.dpic = int;
        break;
      case "DPSL":
        kb.dpsl = value;
        break;
      default:
        kb.unknownTags.push(tag);
    }
  }
  finish();
  if (!kb.salt || !kb.iter) throw new VigilError("keybag has no SALT/ITER (not a backup keybag?)", { file, code: "keybag" });
  if (kb.classes.length === 0) throw new VigilError("keybag has no class keys", { file, code: "keybag" });
  return kb;
}
function hasTwoStageKdf(kb) {
  return !!kb.dpsl && !!kb.dpic;
}
async function deriveKeyFromPassword(password, kb) {
  const utf8 = Buffer.from(password, "utf8");
  return kekFromStage1(hasTwoStageKdf(kb) ? await stage1(utf8, kb) : utf8, kb);
}
function stage1(password, kb) {
  return pbkdf2Async(password, kb.dpsl, kb.dpic, 32, "sha256");
}
function kekFromStage1(secret, kb) {
  return pbkdf2Async(secret, kb.salt, kb.iter, 32, "sha1");
}
function aesUnwrap(kek, wrapped) {
  if (kek.length !== 32 || wrapped.length < 24 || wrapped.length % 8 !== 0) return void 0;
  try {
    const d = createDecipheriv("id-aes256-wrap", kek, WRAP_IV);
    return Buffer.concat([d.update(wrapped), d.final()]);
  } catch {
    return void 0;
  }
}
function aesWrap(kek, key) {
  const c = createCipheriv("id-aes256-wrap", kek, WRAP_IV);
  return Buffer.concat([c.update(key), c.final()]);
}
function unlockKeybag(kb, kek) {
  const keys = /* @__PURE__ */ new Map();
  let tried = 0;
  for (const c of kb.classes) {
    if (!(c.wrap & 2) || !c.wpky) continue;
    tried++;
    const k = aesUnwrap(kek, c.wpky);
    if (!k) return void 0;
    keys.set(c.clas, k);
  }
  return tried > 0 ? keys : void 0;
}
function splitWrappedKey(data) {
  if (data.length < 4 + 24) return void 0;
  return { clas: data.readUInt32LE(0), wrapped: data.subarray(4) };
}
function stripPkcs7(data) {
  if (data.length === 0 || data.length % 16 !== 0) return void 0;
  const n = data[data.length - 1];
  if (n < 1 || n > 16) return void 0;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return void 0;
  return data.subarray(0, data.length - n);
}
function decryptCbcRaw(key, data) {
  const d = createDecipheriv("aes-256-cbc", key, ZERO_IV);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}
function encryptCbcPkcs7(key, data) {
  const c = createCipheriv("aes-256-cbc", key, ZERO_IV);
  return Buffer.concat([c.update(data), c.final()]);
}
function parseKeyHex(text, file) {
  const t = text.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(t)) {
    throw new VigilError("not a backup key: expected 64 hexadecimal characters (the output of extract-key)", { file, code: "keyfile" });
  }
  return Buffer.from(t, "hex");
}
function buildKeybag(kb) {
  const parts = [];
  const rec = (tag, value) => {
    const v = typeof value === "number" ? u32be(value) : value;
    const head = Buffer.alloc(8);
    head.write(tag, 0, 4, "latin1");
    head.writeUInt32BE(v.length, 4);
    parts.push(head, v);
  };
  if (kb.version !== void 0) rec("VERS", kb.version);
  if (kb.type !== void 0) rec("TYPE", kb.type);
  if (kb.uuid) rec("UUID", kb.uuid);
  if (kb.hmck) rec("HMCK", kb.hmck);
  if (kb.wrap !== void 0) rec("WRAP", kb.wrap);
  if (kb.salt) rec("SALT", kb.salt);
  if (kb.iter !== void 0) rec("ITER", kb.iter);
  if (kb.dpwt !== void 0) rec("DPWT", kb.dpwt);
  if (kb.dpic !== void 0) rec("DPIC", kb.dpic);
  if (kb.dpsl) rec("DPSL", kb.dpsl);
  for (const c of kb.classes) {
    rec("UUID", c.uuid ?? Buffer.alloc(16));
    rec("CLAS", c.clas);
    rec("WRAP", c.wrap);
    if (c.ktyp !== void 0) rec("KTYP", c.ktyp);
    if (c.wpky) rec("WPKY", c.wpky);
    if (c.pbky) rec("PBKY", c.pbky);
  }
  return Buffer.concat(parts);
}
function u32be(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
export {
  ZERO_IV,
  aesUnwrap,
  aesWrap,
  buildKeybag,
  decryptCbcRaw,
  deriveKeyFromPassword,
  encryptCbcPkcs7,
  hasTwoStageKdf,
  kekFromStage1,
  parseKeyHex,
  parseKeybag,
  splitWrappedKey,
  stage1,
  stripPkcs7,
  unlockKeybag
};
