// Shared reading for the Android modules: the dumpsys sections of androidqf's dumpsys.txt or a
// bugreport's dumpstate (split in one streamed pass per file, keeping the sections every module
// of the run declares in `reads.dumpsys`), the package list that tells system apps from user
// apps, and the bundled lists.
import { readFileSync } from "node:fs";
import type { AcquisitionView, ArtifactSpec, FileEntry } from "../../../acquisitions/view.ts";
import type { ModuleContext } from "../../contract.ts";
import { VigilError } from "../../../core/errors.ts";
import { MAX_LINE, readLines } from "../../../formats/lines.ts";
import { parseDumpsysPackages, type DumpsysPackage } from "../../../formats/dumpsys/package.ts";
import { extractDumpsys, type DumpsysExtract } from "../../../formats/dumpsys/sections.ts";
import { join } from "node:path";
import { DATA_DIR } from "../../../core/paths.ts";

/** Where the dumpsys text is, per acquisition kind. */
export const DUMPSYS_READS = {
  androidqf: ["dumpsys.txt"],
  bugreport: ["dumpstate.txt", "dumpstate-*.txt", "bugreport-*.txt", "*/dumpstate.txt", "*/bugreport-*.txt"],
};

/** What a module reading the sections of these dumpsys services declares. */
export function dumpsysReads(...services: string[]): ArtifactSpec {
  return { ...DUMPSYS_READS, dumpsys: services };
}

/** A split dumpsys file, with the lines longer than MAX_LINE that were cut. */
type Split = DumpsysExtract & { cut: { line: number; length: number }[] };

const splits = new WeakMap<AcquisitionView, Map<string, { kept: Set<string>; extract: Promise<Split> }>>();

/**
 * One dumpsys file split into sections, once for every module of the run: it keeps the sections
 * the run's modules declare (ctx.wanted.dumpsys) and `also`. A later request for a section that
 * was not kept (another run over the same view) splits the file again.
 */
export function dumpsysOf(ctx: Pick<ModuleContext, "view" | "wanted">, entry: FileEntry, also: string[] = []): Promise<Split> {
  let perView = splits.get(ctx.view);
  if (!perView) {
    perView = new Map();
    splits.set(ctx.view, perView);
  }
  const want = [...(ctx.wanted.dumpsys ?? []), ...also];
  const split = perView.get(entry.path);
  if (split && want.every((s) => split.kept.has(s))) return split.extract;
  const kept = new Set([...(split?.kept ?? []), ...want]);
  const cut: { line: number; length: number }[] = [];
  const extract = ctx.view
    .openStream(entry)
    .then((s) => extractDumpsys(readLines(s, { onLong: (line, length) => cut.push({ line, length }) }), kept))
    .then((ex) => ({ ...ex, cut }));
  perView.set(entry.path, { kept, extract });
  return extract;
}

/**
 * The lines of one service's section in every dumpsys file the module resolved. A file without
 * that section gives a warning (an androidqf run that failed to dump the service, a bugreport
 * cut short); no section in any file is an error, so the module shows as not checked.
 */
export async function dumpsysService(ctx: ModuleContext, service: string): Promise<{ file: string; lines: string[] }[]> {
  // Every section read must be declared, so one pass keeps what each module of a run needs.
  if (!ctx.wanted.dumpsys?.includes(service)) throw new Error(`the "${service}" dumpsys section is read but no module of the run declares it in reads.dumpsys`);
  const out: { file: string; lines: string[] }[] = [];
  for (const f of await mainDumpFiles(ctx)) {
    const ex = await dumpsysOf(ctx, f);
    if (ex.lines > 0 && ex.services.length === 0) {
      throw new VigilError('not a dumpsys output (no "DUMP OF SERVICE" section)', { file: f.path });
    }
    if (ex.cut.length) {
      const first = ex.cut[0];
      ctx.warn(`${f.path}: ${ex.cut.length} line(s) longer than ${MAX_LINE} characters were cut to that length (first: line ${first.line}, ${first.length} characters)`);
    }
    const lines = ex.sections.get(service);
    if (lines) out.push({ file: f.path, lines });
    else ctx.warn(`${f.path}: no "DUMP OF SERVICE ${service}" section`);
  }
  // Nothing to check is not "nothing found": the module is reported as not checked.
  if (out.length === 0) {
    throw new VigilError(`no "DUMP OF SERVICE ${service}" section (the service was not dumped)`, { file: ctx.files.map((f) => f.path).join(", ") });
  }
  return out;
}

const parsedPackages = new WeakMap<string[], DumpsysPackage[]>();

/** The packages of a package section, parsed once for every module that needs them. */
export function packagesOf(lines: string[]): DumpsysPackage[] {
  let p = parsedPackages.get(lines);
  if (!p) {
    p = parseDumpsysPackages(lines);
    parsedPackages.set(lines, p);
  }
  return p;
}

/**
 * The dump files to read. A bugreport names its main text in main_entry.txt; when more than one
 * candidate matched (an old dumpstate.txt beside bugreport-*.txt), only that one is read so
 * nothing is counted twice.
 */
export async function mainDumpFiles(ctx: Pick<ModuleContext, "view" | "files">): Promise<FileEntry[]> {
  if (ctx.view.specKey !== "bugreport" || ctx.files.length < 2) return ctx.files;
  const [me] = await ctx.view.find({ bugreport: ["main_entry.txt", "*/main_entry.txt"] });
  if (!me) return ctx.files;
  const name = (await ctx.view.readFile(me)).toString("utf8").trim();
  const hit = ctx.files.filter((f) => f.path === name || f.path.endsWith("/" + name));
  return hit.length ? hit : ctx.files;
}

export interface PackageFacts {
  system: boolean;
  installer?: string;
  uid?: number;
}

const packageIndexes = new WeakMap<AcquisitionView, Promise<Map<string, PackageFacts> | undefined>>();

/**
 * Which packages are system apps and who installed each one, from packages.json (androidqf) or
 * the dumpsys package section (a module that asks declares "package" in its reads.dumpsys).
 * Undefined when the acquisition has neither.
 */
export function packageIndex(ctx: Pick<ModuleContext, "view" | "wanted">): Promise<Map<string, PackageFacts> | undefined> {
  let p = packageIndexes.get(ctx.view);
  if (!p) {
    p = buildPackageIndex(ctx).catch(() => undefined);
    packageIndexes.set(ctx.view, p);
  }
  return p;
}

async function buildPackageIndex(ctx: Pick<ModuleContext, "view" | "wanted">): Promise<Map<string, PackageFacts> | undefined> {
  const { view } = ctx;
  const idx = new Map<string, PackageFacts>();
  if (view.specKey === "androidqf") {
    const [pj] = await view.find({ androidqf: ["packages.json"] });
    if (pj) {
      const list = JSON.parse((await view.readFile(pj)).toString("utf8")) as Record<string, unknown>[];
      for (const p of list) {
        if (typeof p?.name !== "string") continue;
        idx.set(p.name, { system: p.system === true, installer: installerOf(p.installer), uid: typeof p.uid === "number" ? p.uid : undefined });
      }
      if (idx.size) return idx;
    }
  }
  const files = await view.find({ androidqf: DUMPSYS_READS.androidqf, bugreport: DUMPSYS_READS.bugreport });
  for (const f of files) {
    const lines = (await dumpsysOf(ctx, f, ["package"])).sections.get("package");
    if (!lines) continue;
    for (const p of packagesOf(lines)) idx.set(p.package_name, { system: p.system, installer: p.installer, uid: p.uid });
  }
  return idx.size ? idx : undefined;
}

export function installerOf(v: unknown): string | undefined {
  return typeof v === "string" && v && v !== "null" ? v : undefined;
}

function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(DATA_DIR, "android", name), "utf8")) as T;
}

let stores: Set<string> | undefined;
export function knownStores(): Set<string> {
  stores ??= new Set(loadJson<{ stores: string[] }>("app-stores.json").stores);
  return stores;
}

let roots: Set<string> | undefined;
export function rootPackages(): Set<string> {
  roots ??= new Set(loadJson<{ packages: string[] }>("root-packages.json").packages);
  return roots;
}

let forensic: Map<string, string> | undefined;
/** Packages forensic extraction tools install (data/android/forensic-tools.json): package → tool. */
export function forensicToolPackages(): Map<string, string> {
  forensic ??= new Map(loadJson<{ packages: { package: string; tool: string }[] }>("forensic-tools.json").packages.map((p) => [p.package, p.tool]));
  return forensic;
}

/** Whether a uid string ("u0a94", "10094", "1000") is an app uid rather than a system one. */
export function isAppUid(uid: string | number | undefined): boolean {
  if (uid === undefined) return false;
  if (typeof uid === "string" && /^u\d+a\d+$/.test(uid)) return true;
  const n = Number(uid);
  return Number.isFinite(n) && n % 100000 >= 10000;
}

/** Reads a whole small file as text (JSON lists, getprop, settings), naming it on failure. */
export async function readText(ctx: ModuleContext, f: FileEntry): Promise<string> {
  return (await ctx.view.readFile(f)).toString("utf8");
}

export function parseJsonFile<T>(text: string, file: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new VigilError(`not valid JSON (expected ${what}; truncated?)`, { file });
  }
}
