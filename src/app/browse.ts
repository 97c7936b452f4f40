// The app's folder browser: the person's home folder and the mounted volumes (external drives,
// memory cards, other disks), and nothing else. A folder is listed only when its real path (links
// resolved) lies inside one of those places. Paths follow the rules of the system they are for,
// so the Windows rules (drive letters, backslashes, letters in any case) are tested anywhere.
import { readdirSync, realpathSync, statSync } from "node:fs";
import { posix, win32 } from "node:path";
import { looksLikeBackup } from "../acquisitions/ios-backup/found.ts";

export interface Place {
  path: string;
  /** "home", or "volume" for a mounted volume. */
  kind: "home" | "volume";
}

export interface SystemView {
  platform: NodeJS.Platform;
  home: string;
  /** The user name, for the Linux volume folders (/media/USER). */
  user?: string;
  exists(path: string): boolean;
  list(dir: string): string[];
}

const pathFor = (platform: NodeJS.Platform) => (platform === "win32" ? win32 : posix);

/** The places the browser may show. */
export function browsePlaces(sys: SystemView): Place[] {
  const p = pathFor(sys.platform);
  const out: Place[] = [{ path: sys.home, kind: "home" }];
  const below = (dir: string) => (sys.exists(dir) ? sys.list(dir).filter((n) => !n.startsWith(".")).map((n) => p.join(dir, n)) : []);
  if (sys.platform === "win32") {
    for (let c = 67; c <= 90; c++) {
      const drive = `${String.fromCharCode(c)}:\\`;
      if (sys.exists(drive)) out.push({ path: drive, kind: "volume" });
    }
  } else if (sys.platform === "darwin") {
    for (const v of below("/Volumes")) out.push({ path: v, kind: "volume" });
  } else {
    const user = sys.user;
    const perUser = user ? [...below(p.join("/media", user)), ...below(p.join("/run/media", user))] : [];
    const shared = below("/media").filter((d) => !user || p.basename(d) !== user);
    for (const v of [...perUser, ...shared, ...below("/mnt")]) out.push({ path: v, kind: "volume" });
  }
  return out;
}

/** True when `path` is `place` or inside it, by whole path components (case-blind on Windows). */
export function isInside(platform: NodeJS.Platform, path: string, place: string): boolean {
  const p = pathFor(platform);
  const fold = (s: string) => (platform === "win32" ? s.toLowerCase() : s);
  const rel = p.relative(fold(p.resolve(place)), fold(p.resolve(path)));
  return rel === "" || (rel.split(p.sep)[0] !== ".." && !p.isAbsolute(rel));
}

export interface Listing {
  path: string;
  /** The folder above, when it may be shown too. */
  parent?: string;
  entries: { name: string; path: string; folder: boolean; size?: number; backup?: boolean }[];
  places: Place[];
}

/** What the browser shows of `dir` on this computer; undefined when `dir` may not be shown. */
export async function listFolder(dir: string, places: Place[]): Promise<Listing | undefined> {
  const real = (x: string) => {
    try {
      return realpathSync(x);
    } catch {
      return undefined;
    }
  };
  const here = real(dir);
  const allowed = (x: string) => places.some((pl) => isInside(process.platform, x, real(pl.path) ?? pl.path));
  if (!here || !allowed(here) || !statSync(here).isDirectory()) return undefined;
  const p = pathFor(process.platform);
  const entries: Listing["entries"] = [];
  let names: string[] = [];
  try {
    names = readdirSync(here);
  } catch {
    names = [];
  }
  for (const name of names.filter((n) => !n.startsWith(".")).sort((a, b) => a.localeCompare(b))) {
    const path = p.join(here, name);
    try {
      const st = statSync(path);
      if (st.isDirectory()) entries.push({ name, path, folder: true, ...((await looksLikeBackup(path)) ? { backup: true } : {}) });
      else if (st.isFile()) entries.push({ name, path, folder: false, size: st.size });
    } catch {
      // A broken link or a file gone meanwhile is not listed.
    }
  }
  entries.sort((a, b) => Number(b.folder) - Number(a.folder));
  const up = p.dirname(here);
  return { path: here, ...(up !== here && allowed(up) ? { parent: up } : {}), entries, places };
}
