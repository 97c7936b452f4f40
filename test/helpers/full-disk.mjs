// Preloaded into a `vigil` process (node --import) to play a full disk without root or a small
// file system: writes to the file named by VIGIL_TEST_FULL_DISK (its base name, finished or
// under its temporary `.partial` name) fail with ENOSPC after VIGIL_TEST_FULL_DISK_AFTER bytes
// (default 0), as the kernel reports it. bin/vigil.js passes node's options to the child that
// runs the check, so the preload reaches it.
import fs from "node:fs";
import { basename } from "node:path";
import { syncBuiltinESMExports } from "node:module";

const target = process.env.VIGIL_TEST_FULL_DISK;
const room = Number(process.env.VIGIL_TEST_FULL_DISK_AFTER ?? 0);
if (target) {
  const full = (p) => typeof p === "string" && (basename(p) === target || basename(p) === `${target}.partial`);
  const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { errno: -28, code: "ENOSPC", syscall: "write" });
  /** Bytes written so far to each descriptor of the target. */
  const written = new Map();
  const { openSync, closeSync, writeSync, writeFileSync } = fs;
  fs.openSync = function (path, ...rest) {
    const fd = openSync.call(this, path, ...rest);
    if (full(path)) written.set(fd, 0);
    return fd;
  };
  fs.closeSync = function (fd) {
    written.delete(fd);
    return closeSync.call(this, fd);
  };
  fs.writeSync = function (fd, data, ...rest) {
    if (written.has(fd)) {
      const len = typeof data === "string" ? Buffer.byteLength(data) : typeof rest[1] === "number" ? rest[1] : data.byteLength;
      if (written.get(fd) + len > room) {
        // The bytes that fit are written, as a real full disk would leave them.
        const fit = room - written.get(fd);
        if (fit > 0) writeSync.call(this, fd, Buffer.from(typeof data === "string" ? data : data.subarray?.(rest[0] ?? 0) ?? data).subarray(0, fit));
        written.set(fd, room);
        throw enospc();
      }
      written.set(fd, written.get(fd) + len);
    }
    return writeSync.call(this, fd, data, ...rest);
  };
  fs.writeFileSync = function (path, data, ...rest) {
    if (full(path)) {
      const bytes = Buffer.from(data);
      writeFileSync.call(this, path, bytes.subarray(0, Math.min(room, bytes.length)), ...rest);
      throw enospc();
    }
    return writeFileSync.call(this, path, data, ...rest);
  };
  syncBuiltinESMExports();
}
