// Streams a JSON array to disk, one record at a time, so a module with a million rows never
// holds them all. Buffers are written as base64, bigints as strings.
import { closeSync, openSync, writeSync } from "node:fs";

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString("base64");
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

export class JsonArrayWriter {
  private fd: number | undefined;
  private buf: string[] = [];
  private size = 0;
  private first = true;
  count = 0;
  constructor(readonly path: string) {}

  write(record: unknown): void {
    if (this.fd === undefined) {
      this.fd = openSync(this.path, "w");
      this.push("[\n");
    }
    this.push((this.first ? "  " : ",\n  ") + toJson(record));
    this.first = false;
    this.count++;
  }

  private push(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.fd !== undefined && this.buf.length) {
      writeSync(this.fd, this.buf.join(""));
      this.buf = [];
      this.size = 0;
    }
  }

  /** Closes the file; writes "[]" when nothing was written and `always` is set. */
  close(always = true): void {
    if (this.fd === undefined) {
      if (!always) return;
      this.fd = openSync(this.path, "w");
      this.push("[");
    }
    this.push(this.first ? "]\n" : "\n]\n");
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }
}
