import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
const BUNDLED_SNAPSHOT = resolve(import.meta.dirname, "../../data/iocs");
function vigilHome() {
  if (process.env.VIGIL_HOME) return resolve(process.env.VIGIL_HOME);
  if (process.env.XDG_CACHE_HOME) return join(resolve(process.env.XDG_CACHE_HOME), "vigil");
  return join(homedir(), ".cache", "vigil");
}
function cacheRoot() {
  return join(vigilHome(), "iocs");
}
const STAMP = /^\d{8}T\d{6}(?:\d{3})?Z(?:-\d+)?$/;
function readInfo(dir) {
  try {
    const doc = JSON.parse(readFileSync(join(dir, "snapshot.json"), "utf8"));
    return typeof doc.created === "string" ? doc : void 0;
  } catch {
    return void 0;
  }
}
function listCachedSnapshots() {
  const root = cacheRoot();
  let names;
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => STAMP.test(n) && existsSync(join(root, n, "manifest.json"))).sort().reverse().map((n) => ({ dir: join(root, n), info: readInfo(join(root, n)) }));
}
function defaultIndicatorPaths() {
  const cached = listCachedSnapshots()[0];
  if (cached) {
    const date = cached.info?.created ?? "unknown date";
    return { paths: [cached.dir], kind: "cache", dir: cached.dir, info: cached.info, description: `indicator snapshot of ${date} from ${cached.dir}` };
  }
  if (existsSync(BUNDLED_SNAPSHOT)) {
    const info = readInfo(BUNDLED_SNAPSHOT);
    return {
      paths: [BUNDLED_SNAPSHOT],
      kind: "bundled",
      dir: BUNDLED_SNAPSHOT,
      info,
      description: `indicator snapshot bundled with Vigil (${info?.created.slice(0, 10) ?? "unknown date"}); run "vigil iocs update" for newer ones`
    };
  }
  return { paths: [], kind: "none", description: 'no indicators: run "vigil iocs update" or pass --iocs' };
}
function stamp(d) {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.(\d{3})Z$/, "$1Z");
}
function beginSnapshot(now = /* @__PURE__ */ new Date()) {
  const root = cacheRoot();
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.partial-${stamp(now)}-${randomBytes(4).toString("hex")}`);
  mkdirSync(tmp);
  const files = [];
  return {
    dir: tmp,
    write(relPath, data, url) {
      const parts = relPath.split(/[\\/]+/).filter(Boolean);
      if (parts.length === 0 || parts.some((p) => p === "." || p === "..")) throw new Error(`unsafe path in snapshot: ${relPath}`);
      const dest = join(tmp, ...parts);
      if (!dest.startsWith(tmp + sep)) throw new Error(`unsafe path in snapshot: ${relPath}`);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, data);
      files.push({ path: parts.join("/"), sha256: createHash("sha256").update(data).digest("hex"), size: data.length, ...url ? { url } : {} });
    },
    commit(info) {
      writeFileSync(join(tmp, "snapshot.json"), JSON.stringify(info, null, 2) + "\n");
      writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ created: info.created, source: info.source, files }, null, 2) + "\n");
      let name = stamp(now);
      for (let n = 1; existsSync(join(root, name)); n++) name = `${stamp(now)}-${n}`;
      const final = join(root, name);
      renameSync(tmp, final);
      return final;
    },
    abort() {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
}
export {
  BUNDLED_SNAPSHOT,
  beginSnapshot,
  cacheRoot,
  defaultIndicatorPaths,
  listCachedSnapshots,
  vigilHome
};
