import { createHash } from "node:crypto";
import { createReadStream, promises as fsp, statSync } from "node:fs";
import { basename } from "node:path";
import { VigilError } from "../../core/errors.js";
import { parseGetprop } from "../../formats/getprop.js";
import { openSqliteFile } from "../../formats/sqlite.js";
import { androidModules } from "../../modules/android/index.js";
import { sha256File } from "../archive.js";
import { specKeyFor } from "../memory.js";
import { findByScan, glob } from "../spec-match.js";
function deviceFromProps(props) {
  const d = {};
  const set = (k, v) => {
    if (v && v.trim()) d[k] = v.trim();
  };
  set("model", props.get("ro.product.model"));
  set("osVersion", props.get("ro.build.version.release"));
  set("patchLevel", props.get("ro.build.version.security_patch"));
  set("build", props.get("ro.build.display.id") ?? props.get("ro.build.id"));
  set("fingerprint", props.get("ro.build.fingerprint"));
  set("manufacturer", props.get("ro.product.manufacturer"));
  set("name", props.get("persist.sys.device_name") ?? props.get("ro.product.name"));
  set("sdk", props.get("ro.build.version.sdk"));
  set("serial", props.get("ro.serialno"));
  return d;
}
function deviceFromFingerprint(fp) {
  const m = /^([^/]+)\/([^/]+)\/([^:]+):([^/]+)\/([^/]+)\/([^:]+):([^/]+)\/(.+)$/.exec(fp.trim());
  if (!m) return { fingerprint: fp.trim() };
  return { fingerprint: fp.trim(), osVersion: m[4], build: m[5] };
}
async function deviceFromGetprop(view, path = "getprop.txt") {
  const e = await view.entry(path);
  if (!e || (e.type ?? "file") !== "file") return {};
  const text = (await view.readFile(e)).toString("utf8");
  const { properties } = parseGetprop(text.split("\n"), e.path);
  return deviceFromProps(new Map(properties.map((p) => [p.name, p.value])));
}
function moduleGlobs(kind) {
  const key = specKeyFor(kind);
  const out = /* @__PURE__ */ new Set();
  for (const m of androidModules) for (const g of m.reads[key] ?? []) out.add(g);
  return [...out];
}
function wantedBy(kind) {
  const tests = moduleGlobs(kind).map((g) => glob(g));
  return (e) => tests.some((t) => t(e.path));
}
function filesView(files, opts) {
  const byName = /* @__PURE__ */ new Map();
  for (const f of files) {
    let name = basename(f);
    for (let i = 2; byName.has(name); i++) name = `${i}-${basename(f)}`;
    byName.set(name, f);
  }
  const read = /* @__PURE__ */ new Map();
  const pending = [];
  const real = (e) => {
    const f = byName.get(e.path);
    if (!f) throw new VigilError(`no file ${e.path} in this acquisition`, { file: opts.root });
    return f;
  };
  const hashLater = (f) => {
    if (read.has(f)) return;
    read.set(f, { path: f, sha256: "", size: 0 });
    pending.push(sha256File(f).then((h) => read.set(f, h)));
  };
  const info = (name, f) => {
    const st = statSync(f);
    return { path: name, size: st.size, modified: st.mtime.toISOString(), changed: st.ctime.toISOString() };
  };
  const view = {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root,
    encrypted: false,
    device: { platform: opts.platform },
    specKey: specKeyFor(opts.kind),
    find: (spec) => findByScan(view, spec),
    async *entries() {
      for (const [name, f] of byName) yield info(name, f);
    },
    async entry(p) {
      const f = byName.get(p);
      return f ? info(p, f) : void 0;
    },
    async readFile(e) {
      const f = real(e);
      const data = await fsp.readFile(f);
      read.set(f, { path: f, size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
      return data;
    },
    async openStream(e) {
      const f = real(e);
      hashLater(f);
      return createReadStream(f);
    },
    async openSqlite(e) {
      const f = real(e);
      hashLater(f);
      return openSqliteFile(f, e.path);
    },
    async localPath(e) {
      return real(e);
    },
    inputsRead: () => [...read.values()].filter((i) => i.sha256),
    refused: () => [],
    async settled() {
      await Promise.all(pending);
    },
    async close() {
    }
  };
  return view;
}
function failedView(opts) {
  const fail = async () => {
    throw opts.error;
  };
  return {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root,
    encrypted: opts.encrypted,
    device: { platform: opts.platform },
    specKey: specKeyFor(opts.kind),
    find: fail,
    // eslint-disable-next-line require-yield
    async *entries() {
      throw opts.error;
    },
    readFile: fail,
    openStream: fail,
    openSqlite: fail,
    entry: fail,
    localPath: fail,
    inputsRead: () => [],
    refused: () => [],
    async settled() {
    },
    async close() {
    }
  };
}
function isDirectory(path, display = path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new VigilError("no such file or folder", { file: display, code: "usage" });
  return st.isDirectory();
}
export {
  deviceFromFingerprint,
  deviceFromGetprop,
  deviceFromProps,
  failedView,
  filesView,
  isDirectory,
  moduleGlobs,
  wantedBy
};
