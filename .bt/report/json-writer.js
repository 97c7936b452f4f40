import { closeSync, openSync, writeSync } from "node:fs";
function jsonReplacer(_key, value) {
  if (typeof value === "bigint") return value.toString();
  if (value && typeof value === "object" && value.type === "Buffer" && Array.isArray(value.data)) {
    return Buffer.from(value.data).toString("base64");
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}
function needsReplacer(v, depth) {
  if (typeof v === "bigint") return true;
  if (typeof v !== "object" || v === null) return false;
  if (Buffer.isBuffer(v) || v instanceof Map || v instanceof Set || ArrayBuffer.isView(v)) return true;
  if (depth === 0) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (needsReplacer(x, depth - 1)) return true;
    return false;
  }
  for (const k in v) if (needsReplacer(v[k], depth - 1)) return true;
  return false;
}
function toJson(value, indent) {
  return needsReplacer(value, 3) ? JSON.stringify(value, jsonReplacer, indent) : JSON.stringify(value, null, indent);
}
class JsonArrayWriter {
  constructor(path) {
    this.path = path;
  }
  path;
  fd;
  // Records are encoded straight into one reused buffer: joining strings per flush made
  // garbage proportional to the output, which dominated on million-row tables.
  buf = Buffer.allocUnsafe(1 << 22);
  used = 0;
  first = true;
  count = 0;
  write(record) {
    if (this.fd === void 0) {
      this.fd = openSync(this.path, "w");
      this.push("[\n");
    }
    this.push(this.first ? "  " : ",\n  ");
    this.push(toJson(record));
    this.first = false;
    this.count++;
  }
  push(s) {
    if (this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        writeSync(this.fd, s);
        return;
      }
    }
    this.used += this.buf.write(s, this.used);
  }
  flush() {
    if (this.fd !== void 0 && this.used) {
      writeSync(this.fd, this.buf, 0, this.used);
      this.used = 0;
    }
  }
  /** Closes the file; writes "[]" when nothing was written and `always` is set. */
  close(always = true) {
    if (this.fd === void 0) {
      if (!always) return;
      this.fd = openSync(this.path, "w");
      this.push("[");
    }
    this.push(this.first ? "]\n" : "\n]\n");
    this.flush();
    closeSync(this.fd);
    this.fd = void 0;
  }
}
export {
  JsonArrayWriter,
  jsonReplacer,
  toJson
};
