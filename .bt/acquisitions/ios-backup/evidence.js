import { createHash, createDecipheriv } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync, statSync } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZERO_IV } from "../../formats/keybag.js";
class InputLog {
  /**
   * `prefix`: where the backup folder sits relative to the path the user gave, so recorded
   * paths read against the acquisition path of the run ("<udid>/Manifest.db" when the user
   * gave MobileSync/Backup).
   */
  constructor(prefix = "") {
    this.prefix = prefix;
  }
  prefix;
  seen = /* @__PURE__ */ new Map();
  pending = /* @__PURE__ */ new Set();
  record(path, sha256, size) {
    if (!this.seen.has(path)) this.seen.set(path, { path: this.prefix ? `${this.prefix}/${path}` : path, sha256, size });
  }
  has(path) {
    return this.seen.has(path);
  }
  /** Hashes a file in the background (a stream that was not read to its end). */
  hashLater(path, abs) {
    if (this.seen.has(path)) return;
    const p = hashFile(abs).then(({ sha256, size }) => this.record(path, sha256, size)).catch(() => {
    }).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
  async settle() {
    await Promise.all([...this.pending]);
  }
  list() {
    return [...this.seen.values()];
  }
}
async function hashFile(abs) {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(abs)) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha256: h.digest("hex"), size };
}
function readLogged(log, display, abs) {
  const data = readFileSync(abs);
  log.record(display, createHash("sha256").update(data).digest("hex"), data.length);
  return data;
}
function hashTap(log, display) {
  const h = createHash("sha256");
  let size = 0;
  return new Transform({
    transform(chunk, _enc, cb) {
      h.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      log.record(display, h.digest("hex"), size);
      cb();
    }
  });
}
function payloadDecipher(key, autoPadding = true) {
  const d = createDecipheriv("aes-256-cbc", key, ZERO_IV);
  d.setAutoPadding(autoPadding);
  return d;
}
async function copyLogged(log, display, src, dst, decipher) {
  const out = createWriteStream(dst, { mode: 384 });
  if (decipher) await pipeline(createReadStream(src), hashTap(log, display), decipher, out);
  else await pipeline(createReadStream(src), hashTap(log, display), out);
}
function sizeOf(abs) {
  try {
    return statSync(abs).size;
  } catch {
    return void 0;
  }
}
export {
  InputLog,
  copyLogged,
  hashFile,
  hashTap,
  payloadDecipher,
  readLogged,
  sizeOf
};
