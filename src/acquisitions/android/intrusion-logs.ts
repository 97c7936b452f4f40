// Android 16 intrusion-logging exports: one JSON object per line (DNS lookups, connections,
// security events), as a folder of files, one or more loose files, or a zip of them. The view
// only lists the files; src/formats/intrusion-log.ts parses the lines.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { VigilError } from "../../core/errors.ts";
import type { BaseView } from "../archive/base-view.ts";
import { openFolderView } from "../archive/folder-view.ts";
import { openZipView } from "../archive/zip-view.ts";
import type { FileEntry } from "../view.ts";
import { filesView } from "./common.ts";

export interface IntrusionLogsOptions {
  display?: string;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function isZip(path: string): boolean {
  const b = Buffer.alloc(4);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, b, 0, 4, 0) === 4 && b.equals(ZIP_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** A folder, a zip, or one or more loose export files. */
export async function openIntrusionLogs(paths: string | string[], opts: IntrusionLogsOptions = {}): Promise<BaseView> {
  const list = Array.isArray(paths) ? paths : [paths];
  if (list.length === 0) throw new VigilError("no intrusion-log file given", { code: "usage" });
  const display = opts.display ?? list.join(", ");
  const kind = "android_intrusion_logs" as const;
  for (const p of list) {
    if (!statSync(p, { throwIfNoEntry: false })) throw new VigilError("no such file or folder", { file: p, code: "usage" });
  }
  let view: BaseView;
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
    // Input that is not an export at all is an error of the whole check (exit 1), not three
    // failed modules and an "incomplete" verdict.
    throw new VigilError(any ? "not an intrusion log: no line of its first 64 KiB is a JSON object" : "no intrusion-log files found", { file: display, code: "format" });
  }
  return view;
}

/** Whether any complete line in the first 64 KiB of the file is a JSON object. */
async function startsWithJsonLine(view: BaseView, e: FileEntry): Promise<boolean> {
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
      const v: unknown = JSON.parse(line);
      if (typeof v === "object" && v !== null && !Array.isArray(v)) return true;
    } catch {
      // a line cut at the 64 KiB limit, or a malformed one: look at the next
    }
  }
  return false;
}
