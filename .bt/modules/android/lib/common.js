import { readFileSync } from "node:fs";
import { VigilError } from "../../../core/errors.js";
import { extractDumpsys, parseDumpsysPackages, readLines } from "../../../formats/dumpsys.js";
const DUMPSYS_READS = {
  androidqf: ["dumpsys.txt"],
  bugreport: ["dumpstate.txt", "dumpstate-*.txt", "bugreport-*.txt", "*/dumpstate.txt", "*/bugreport-*.txt"]
};
const WANTED = /* @__PURE__ */ new Set(["package", "accessibility", "adb", "appops", "batterystats", "dbinfo", "platform_compat"]);
const extracts = /* @__PURE__ */ new WeakMap();
function dumpsysOf(view, entry) {
  let perView = extracts.get(view);
  if (!perView) {
    perView = /* @__PURE__ */ new Map();
    extracts.set(view, perView);
  }
  let p = perView.get(entry.path);
  if (!p) {
    p = view.openStream(entry).then((s) => extractDumpsys(readLines(s), WANTED));
    perView.set(entry.path, p);
  }
  return p;
}
async function dumpsysService(ctx, service) {
  const out = [];
  for (const f of await mainDumpFiles(ctx)) {
    const ex = await dumpsysOf(ctx.view, f);
    if (ex.lines > 0 && ex.services.length === 0) {
      throw new VigilError('not a dumpsys output (no "DUMP OF SERVICE" section)', { file: f.path });
    }
    const lines = ex.sections.get(service);
    if (lines) out.push({ file: f.path, lines });
    else ctx.warn(`${f.path}: no "DUMP OF SERVICE ${service}" section`);
  }
  if (out.length === 0) {
    throw new VigilError(`no "DUMP OF SERVICE ${service}" section (the service was not dumped)`, { file: ctx.files.map((f) => f.path).join(", ") });
  }
  return out;
}
const parsedPackages = /* @__PURE__ */ new WeakMap();
function packagesOf(lines) {
  let p = parsedPackages.get(lines);
  if (!p) {
    p = parseDumpsysPackages(lines);
    parsedPackages.set(lines, p);
  }
  return p;
}
async function mainDumpFiles(ctx) {
  if (ctx.view.specKey !== "bugreport" || ctx.files.length < 2) return ctx.files;
  const [me] = await ctx.view.find({ bugreport: ["main_entry.txt", "*/main_entry.txt"] });
  if (!me) return ctx.files;
  const name = (await ctx.view.readFile(me)).toString("utf8").trim();
  const hit = ctx.files.filter((f) => f.path === name || f.path.endsWith("/" + name));
  return hit.length ? hit : ctx.files;
}
const packageIndexes = /* @__PURE__ */ new WeakMap();
function packageIndex(view) {
  let p = packageIndexes.get(view);
  if (!p) {
    p = buildPackageIndex(view).catch(() => void 0);
    packageIndexes.set(view, p);
  }
  return p;
}
async function buildPackageIndex(view) {
  const idx = /* @__PURE__ */ new Map();
  if (view.specKey === "androidqf") {
    const [pj] = await view.find({ androidqf: ["packages.json"] });
    if (pj) {
      const list = JSON.parse((await view.readFile(pj)).toString("utf8"));
      for (const p of list) {
        if (typeof p?.name !== "string") continue;
        idx.set(p.name, { system: p.system === true, installer: installerOf(p.installer), uid: typeof p.uid === "number" ? p.uid : void 0 });
      }
      if (idx.size) return idx;
    }
  }
  const files = await view.find({ androidqf: DUMPSYS_READS.androidqf, bugreport: DUMPSYS_READS.bugreport });
  for (const f of files) {
    const lines = (await dumpsysOf(view, f)).sections.get("package");
    if (!lines) continue;
    for (const p of packagesOf(lines)) idx.set(p.package_name, { system: p.system, installer: p.installer, uid: p.uid });
  }
  return idx.size ? idx : void 0;
}
function installerOf(v) {
  return typeof v === "string" && v && v !== "null" ? v : void 0;
}
function loadJson(name) {
  return JSON.parse(readFileSync(new URL(`../../../../data/android/${name}`, import.meta.url), "utf8"));
}
let stores;
function knownStores() {
  stores ??= new Set(loadJson("app-stores.json").stores);
  return stores;
}
let roots;
function rootPackages() {
  roots ??= new Set(loadJson("root-packages.json").packages);
  return roots;
}
function securityBulletins() {
  return loadJson("security-bulletins.json");
}
function isAppUid(uid) {
  if (uid === void 0) return false;
  if (typeof uid === "string" && /^u\d+a\d+$/.test(uid)) return true;
  const n = Number(uid);
  return Number.isFinite(n) && n % 1e5 >= 1e4;
}
async function readText(ctx, f) {
  return (await ctx.view.readFile(f)).toString("utf8");
}
function parseJsonFile(text, file, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new VigilError(`not valid JSON (expected ${what}; truncated?)`, { file });
  }
}
export {
  DUMPSYS_READS,
  dumpsysOf,
  dumpsysService,
  installerOf,
  isAppUid,
  knownStores,
  mainDumpFiles,
  packageIndex,
  packagesOf,
  parseJsonFile,
  readText,
  rootPackages,
  securityBulletins
};
