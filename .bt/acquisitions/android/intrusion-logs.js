import { closeSync, openSync, readSync, statSync } from "node:fs";
import { VigilError } from "../../core/errors.js";
import { openFolderView, openZipView } from "../archive.js";
import { filesView } from "./common.js";
const ZIP_MAGIC = Buffer.from([80, 75, 3, 4]);
function isZip(path) {
  const b = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, b, 0, 4, 0) === 4 && b.equals(ZIP_MAGIC);
  } finally {
    closeSync(fd);
  }
}
async function openIntrusionLogs(paths, opts = {}) {
  const list = Array.isArray(paths) ? paths : [paths];
  if (list.length === 0) throw new VigilError("no intrusion-log file given", { code: "usage" });
  const display = opts.display ?? list.join(", ");
  const kind = "android_intrusion_logs";
  for (const p of list) {
    if (!statSync(p, { throwIfNoEntry: false })) throw new VigilError("no such file or folder", { file: p, code: "usage" });
  }
  let view;
  if (list.length === 1 && statSync(list[0]).isDirectory()) {
    view = openFolderView(list[0], { kind, platform: "android", display, root: display });
  } else if (list.length === 1 && isZip(list[0])) {
    view = await openZipView(list[0], { kind, platform: "android", display, root: display, prefix: "auto" });
  } else {
    for (const p of list) if (!statSync(p).isFile()) throw new VigilError("give either one folder or intrusion-log files", { file: p, code: "usage" });
    view = filesView(list, { kind, platform: "android", root: display });
  }
  let any = false;
  let json = false;
  for await (const e of view.entries()) {
    if ((e.type ?? "file") !== "file") continue;
    any = true;
    if (await startsWithJsonLine(view, e)) {
      json = true;
      break;
    }
  }
  if (!any || !json) {
    await view.close();
    throw new VigilError(any ? "not an intrusion log: no line of its first 64 KiB is a JSON object" : "no intrusion-log files found", { file: display, code: "format" });
  }
  return view;
}
async function startsWithJsonLine(view, e) {
  const stream = await view.openStream(e);
  let head = "";
  try {
    for await (const chunk of stream) {
      head += Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
      if (head.length >= 65536) break;
    }
  } finally {
    stream.destroy();
  }
  for (const raw of head.slice(0, 65536).split("\n")) {
    const line = raw.trim();
    if (!line.startsWith("{")) continue;
    try {
      const v = JSON.parse(line);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) return true;
    } catch {
    }
  }
  return false;
}
export {
  openIntrusionLogs
};
