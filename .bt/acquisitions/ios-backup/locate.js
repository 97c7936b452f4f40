import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { VigilError } from "../../core/errors.js";
function isBackupFolder(dir) {
  return isFile(join(dir, "Manifest.db")) && isFile(join(dir, "Info.plist"));
}
function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
function locateBackup(path) {
  const root = resolve(path);
  if (!existsSync(root)) throw new VigilError("no such file or folder", { file: path, code: "input" });
  if (!statSync(root).isDirectory()) throw new VigilError("not a folder: an iPhone backup is a folder holding Info.plist and Manifest.db", { file: path, code: "input" });
  if (isBackupFolder(root)) return { dir: root, how: "given" };
  const hasDb = isFile(join(root, "Manifest.db"));
  const hasInfo = isFile(join(root, "Info.plist"));
  if (hasDb !== hasInfo) {
    throw new VigilError(`incomplete iPhone backup: ${hasDb ? "Info.plist" : "Manifest.db"} is missing (copy the whole backup folder)`, { file: path, code: "input" });
  }
  if (isFile(join(root, "Manifest.mbdb"))) {
    throw new VigilError("backup made before iOS 10 (Manifest.mbdb) is not supported; make a new backup with a current Finder/iTunes", { file: path, code: "input" });
  }
  const found = [];
  const walk = (dir, depth) => {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.slice(0, 5e3)) {
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (!st.isDirectory()) continue;
      if (isBackupFolder(p)) found.push(p);
      else if (depth < 2) walk(p, depth + 1);
    }
  };
  walk(root, 1);
  if (found.length === 1) return { dir: found[0], how: "below" };
  if (found.length > 1) {
    found.sort();
    throw new VigilError(`holds ${found.length} backups; give the folder of the one to check: ${found.join(", ")}`, { file: path, code: "input" });
  }
  throw new VigilError("not an iPhone backup: no Info.plist and Manifest.db here or in the folders below", { file: path, code: "input" });
}
export {
  isBackupFolder,
  locateBackup
};
