// iOS sysdiagnose: a .tar.gz named sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ_iPhone-OS_iPhone_BUILD
// holding one folder of that name, or that folder extracted. Paths shown to modules are
// relative to that folder ("ps.txt", "system_logs.logarchive/Extra/shutdown.log", ...).
// The archive is read through the shared safe tar reader: one pass indexes it and extracts
// the files the run's modules name in `reads.sysdiagnose` (the multi-GB log archive is skipped).
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { VigilError } from "../core/errors.ts";
import type { DeviceInfo } from "../core/model.ts";
import { newerIosRelease } from "../indicators/ios-releases.ts";
import type { BaseView } from "./archive/base-view.ts";
import { openFolderView } from "./archive/folder-view.ts";
import { openArchiveView } from "./archive/open.ts";
import { GlobIndex } from "./ios-fs.ts";
import { parseActivationRequest, parseRemotectlProperties, parseSysdiagnoseName, SYSDIAGNOSE_NAME, sysdiagnoseArchiveIn } from "../formats/sysdiagnose-info.ts";

export { parseActivationRequest, parseRemotectlProperties, parseSysdiagnoseName, SYSDIAGNOSE_NAME };
import type { ArtifactSpec, FileEntry } from "./view.ts";

export interface SysdiagnoseOptions {
  /** What the run's modules read (their `reads` merged): an archive extracts these files in its first pass. */
  wanted?: ArtifactSpec;
}

const MARKERS = ["ps.txt", "sysdiagnose.log", "remotectl_dumpstate.txt", "system_logs.logarchive", "crashes_and_spins", "summaries"];
const INFO_FILES = ["remotectl_dumpstate.txt", "logs/MobileActivation/collection_oob_request.txt", "sysdiagnose.log"];

/** Device facts from the info files and the name; missing files give fewer facts, never an error. */
export async function readSysdiagnoseDevice(view: BaseView, name: string): Promise<Partial<DeviceInfo>> {
  const out: Partial<DeviceInfo> = {};
  const read = async (p: string) => {
    const e = await view.entry(p);
    if (!e || (e.type ?? "file") !== "file") return undefined;
    try {
      return (await view.readFile(e)).toString("utf8");
    } catch {
      return undefined;
    }
  };
  const props = parseRemotectlProperties((await read("remotectl_dumpstate.txt")) ?? "");
  if (props.ProductType) out.model = props.ProductType;
  if (props.OSVersion) out.osVersion = props.OSVersion;
  if (props.BuildVersion) out.build = props.BuildVersion;
  if (props.SerialNumber) out.serial = props.SerialNumber;
  if (props.DeviceName) out.name = props.DeviceName;
  const act = parseActivationRequest((await read("logs/MobileActivation/collection_oob_request.txt")) ?? "");
  if (act) {
    if (!out.model && typeof act.productType === "string") out.model = act.productType;
    if (!out.osVersion && typeof act["os-version"] === "string") out.osVersion = act["os-version"];
    if (!out.build && typeof act["os-build"] === "string") out.build = act["os-build"];
    if (!out.serial && typeof act["serial-number"] === "string") out.serial = act["serial-number"];
  }
  const n = parseSysdiagnoseName(name);
  if (n) {
    out.build ??= n.build;
    out.sysdiagnoseCreated = out.acquired = n.created;
  }
  const newer = out.osVersion ? newerIosRelease(out.osVersion) : undefined;
  if (newer) out.newerOsAvailable = newer.version;
  return out;
}

/** The sysdiagnose globs the modules want, plus the files the opener reads for device info. */
export function wantedSysdiagnoseGlobs(wanted: ArtifactSpec = {}): string[] {
  return [...new Set([...INFO_FILES, ...(wanted.sysdiagnose ?? [])])];
}

function folderRoot(path: string): { prefix: string; name: string } {
  const has = (dir: string) => MARKERS.some((m) => {
    try {
      statSync(join(dir, m));
      return true;
    } catch {
      return false;
    }
  });
  if (has(path)) return { prefix: "", name: basename(path) };
  const kids = readdirSync(path, { withFileTypes: true }).filter((d) => d.isDirectory() && has(join(path, d.name))).map((d) => d.name).sort();
  const named = kids.filter((k) => k.startsWith("sysdiagnose_"));
  const pick = named.length === 1 ? named[0] : kids.length === 1 ? kids[0] : undefined;
  if (pick) return { prefix: pick, name: pick };
  if (kids.length > 1) throw new VigilError(`holds several sysdiagnose folders (${kids.join(", ")}); give one of them`, { file: path });
  throw new VigilError("not a sysdiagnose: no ps.txt, sysdiagnose.log or system_logs.logarchive at its top or one level down", { file: path });
}

/** Opens a sysdiagnose .tar.gz (or .tar) or its extracted folder. */
export async function openSysdiagnose(path: string, opts: SysdiagnoseOptions = {}): Promise<BaseView> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new VigilError(`cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path, cause: e });
  }
  const common = { kind: "ios_sysdiagnose" as const, platform: "ios" as const, specKey: "sysdiagnose" as const, root: path };
  let view: BaseView;
  let name = basename(path);
  if (st.isDirectory()) {
    const r = folderRoot(path);
    name = r.name;
    view = openFolderView(path, { ...common, prefix: r.prefix || undefined });
  } else {
    const want = new GlobIndex(wantedSysdiagnoseGlobs(opts.wanted));
    view = await openArchiveView(path, {
      ...common,
      prefix: "auto",
      onUnsafe: "skip",
      // Paths here still carry the wrapper folder: try them with and without it.
      prefetch: (e: FileEntry) => {
        if (want.matchesWithCompanions(e.path)) return true;
        const i = e.path.indexOf("/");
        return i > 0 && want.matchesWithCompanions(e.path.slice(i + 1));
      },
    });
    let found = false;
    for (const m of MARKERS) {
      if (await view.entry(m)) {
        found = true;
        break;
      }
    }
    if (!found) {
      await view.close();
      throw new VigilError("not a sysdiagnose archive: no ps.txt, sysdiagnose.log or system_logs.logarchive inside", { file: path });
    }
    // A renamed archive: sysdiagnose.log still names the original file (creation time, build).
    if (!SYSDIAGNOSE_NAME.test(name)) {
      const inner = await innerName(view);
      if (inner) name = inner;
    }
  }
  view.device = { ...view.device, ...(await readSysdiagnoseDevice(view, name)) };
  return view;
}

async function innerName(view: BaseView): Promise<string | undefined> {
  const e = await view.entry("sysdiagnose.log");
  if (!e) return undefined;
  try {
    const text = (await view.readFile(e)).toString("utf8");
    return sysdiagnoseArchiveIn(text);
  } catch {
    return undefined;
  }
}
