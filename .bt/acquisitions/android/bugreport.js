import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "../../core/errors.js";
import { openFolderView, openZipView } from "../archive.js";
import { deviceFromFingerprint, deviceFromProps, isDirectory } from "./common.js";
const MAIN_RE = /^(bugreport-.*\.txt|dumpstate(-.*)?\.txt)$/;
async function mainEntryPath(view) {
  const me = await view.entry("main_entry.txt");
  if (me && (me.type ?? "file") === "file") {
    const name = (await view.readFile(me)).toString("utf8").trim();
    if (name && await view.entry(name)) return name;
  }
  for await (const e of view.entries()) {
    if ((e.type ?? "file") === "file" && !e.path.includes("/") && MAIN_RE.test(e.path)) return e.path;
  }
  return void 0;
}
async function deviceFromDumpstate(view, path) {
  const e = await view.entry(path);
  if (!e) return {};
  const want = /* @__PURE__ */ new Set(["ro.product.model", "ro.build.version.release", "ro.build.version.security_patch", "ro.build.fingerprint", "ro.product.manufacturer", "ro.build.id", "ro.build.display.id", "ro.build.version.sdk"]);
  const props = /* @__PURE__ */ new Map();
  let fingerprint;
  const stream = await view.openStream(e);
  let rest = "";
  let done = false;
  const PROP = /^\[([^\]]+)\]: \[(.*)\]\s*$/;
  try {
    for await (const chunk of stream) {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (!fingerprint && line.startsWith("Build fingerprint: ")) fingerprint = line.slice(19).replace(/^'|'\s*$/g, "");
        if (props.size && line.startsWith("------ ")) {
          done = true;
          break;
        }
        if (line.charCodeAt(0) !== 91) continue;
        const m = PROP.exec(line);
        if (m && want.has(m[1])) props.set(m[1], m[2]);
      }
      if (done || props.size === want.size) break;
    }
  } finally {
    stream.destroy();
  }
  const d = { ...fingerprint ? deviceFromFingerprint(fingerprint) : {}, ...deviceFromProps(props) };
  return d;
}
async function openBugreport(path, opts = {}) {
  const display = opts.display ?? path;
  let view;
  if (isDirectory(path, display)) {
    let prefix = "";
    const has = (p) => statSync(join(path, p), { throwIfNoEntry: false })?.isFile();
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
    view.device = { ...view.device, ...await deviceFromDumpstate(view, main), bugreportMain: main };
    return view;
  } catch (e) {
    await view.close();
    throw e;
  }
}
export {
  mainEntryPath,
  openBugreport
};
