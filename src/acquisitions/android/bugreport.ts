// Android bugreports: the .zip `adb bugreport` writes, or the folder it was extracted to.
// The main text file is named by main_entry.txt (bugreport-<device>-<build>-<time>.txt on
// current Android, dumpstate.txt on older ones); FS/ holds copies of device files
// (FS/data/tombstones/*, FS/data/anr/*). Zip entry times are kept as `modified`.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readLines } from "../../formats/lines.ts";
import { VigilError } from "../../core/errors.ts";
import type { DeviceInfo } from "../../core/model.ts";
import type { BaseView } from "../archive/base-view.ts";
import { openFolderView } from "../archive/folder-view.ts";
import { openZipView } from "../archive/zip-view.ts";
import { deviceFromFingerprint, deviceFromProps, isDirectory } from "./common.ts";

export interface BugreportOptions {
  display?: string;
}

const MAIN_RE = /^(bugreport-.*\.txt|dumpstate(-.*)?\.txt)$/;

/** The main text file's path inside the view: main_entry.txt, else the one bugreport-*.txt / dumpstate.txt. */
export async function mainEntryPath(view: BaseView): Promise<string | undefined> {
  const me = await view.entry("main_entry.txt");
  // It holds one file name: a larger one is damaged (and past 512 MB, no string can hold it).
  if (me && (me.type ?? "file") === "file" && (me.size ?? 0) <= 4096) {
    const name = (await view.readFile(me)).toString("utf8").trim();
    if (name && (await view.entry(name))) return name;
  }
  for await (const e of view.entries()) {
    if ((e.type ?? "file") === "file" && !e.path.includes("/") && MAIN_RE.test(e.path)) return e.path;
  }
  return undefined;
}

/** Device info from the dumpstate header ("Build fingerprint: '...'") and its SYSTEM PROPERTIES. */
async function deviceFromDumpstate(view: BaseView, path: string): Promise<Partial<DeviceInfo>> {
  const e = await view.entry(path);
  if (!e) return {};
  const want = new Set(["ro.product.model", "ro.build.version.release", "ro.build.version.security_patch", "ro.build.fingerprint", "ro.product.manufacturer", "ro.build.id", "ro.build.display.id", "ro.build.version.sdk"]);
  const props = new Map<string, string>();
  let fingerprint: string | undefined;
  const stream = await view.openStream(e);
  const PROP = /^\[([^\]]+)\]: \[(.*)\]\s*$/;
  try {
    for await (const line of readLines(stream)) {
      if (!fingerprint && line.startsWith("Build fingerprint: ")) fingerprint = line.slice(19).replace(/^'|'\s*$/g, "");
      // Properties sit together in one section; past it, the rest of a 100 MB file has none.
      if (props.size && line.startsWith("------ ")) break;
      if (line.charCodeAt(0) !== 0x5b) continue;
      const m = PROP.exec(line);
      if (m && want.has(m[1])) props.set(m[1], m[2]);
      if (props.size === want.size) break;
    }
  } finally {
    stream.destroy();
  }
  const d = { ...(fingerprint ? deviceFromFingerprint(fingerprint) : {}), ...deviceFromProps(props) };
  return d;
}

export async function openBugreport(path: string, opts: BugreportOptions = {}): Promise<BaseView> {
  const display = opts.display ?? path;
  let view: BaseView;
  if (isDirectory(path, display)) {
    // Accept the folder above an extracted bugreport too.
    let prefix = "";
    const has = (p: string) => statSync(join(path, p), { throwIfNoEntry: false })?.isFile();
    if (!has("main_entry.txt") && !readdirSync(path).some((n) => MAIN_RE.test(n))) {
      const subs = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory() && statSync(join(path, d.name, "main_entry.txt"), { throwIfNoEntry: false }));
      if (subs.length === 1) prefix = subs[0].name;
    }
    view = openFolderView(path, { kind: "android_bugreport", platform: "android", display, root: display, prefix });
  } else {
    view = await openZipView(path, { kind: "android_bugreport", platform: "android", display, root: display, prefix: "auto", onUnsafe: "error" });
  }
  try {
    const main = await mainEntryPath(view);
    if (!main) throw new VigilError("not an Android bugreport (no main_entry.txt, bugreport-*.txt or dumpstate.txt)", { file: display, code: "format" });
    view.device = { ...view.device, ...(await deviceFromDumpstate(view, main)), bugreportMain: main };
    return view;
  } catch (e) {
    await view.close();
    throw e;
  }
}
