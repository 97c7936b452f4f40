// A target that runs one Vigil module on a one-file acquisition held in memory: the input
// becomes the artifact the module reads, and the module runs through the pipeline's runModule
// as in a check. The module is wrapped so that the error it throws is seen as thrown (runModule
// turns every error into a coverage line, which would hide a raw TypeError or SqliteError).
import Database from "better-sqlite3";
import { memoryView } from "../../src/acquisitions/memory.ts";
import type { AcquisitionKind, AcquisitionView, ArtifactSpec } from "../../src/acquisitions/view.ts";
import { isBatched, type ModuleDef } from "../../src/modules/contract.ts";
import { allModules } from "../../src/modules/registry.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { runModule } from "../../src/pipeline/run-modules.ts";
import type { Mutator, Target } from "../engine/types.ts";

/** Indicators of every kind, so the modules' checks run and sometimes match. */
const IOCS = matcherFromValues({
  domain: ["evil.example", "free247downloads.com"],
  url: ["https://evil.example/a"],
  ipv4: ["203.0.113.9"],
  email: ["spy@evil.example"],
  process: ["bh", "roleaboutd"],
  file_path: ["/private/var/tmp/bh"],
  file_name: ["bh"],
  sha256: ["a".repeat(64)],
  app_id: ["com.spy", "com.x"],
  android_property: ["persist.spy"],
  configuration_profile: ["com.evil.profile"],
});

/** The module of that name; `platform` picks between the iOS and the Android one ("sms"). */
export function moduleByName(name: string, platform?: "ios" | "android"): ModuleDef<any> {
  const m = allModules.find((x) => x.name === name && (!platform || x.platform === platform));
  if (!m) throw new Error(`no module named ${name}`);
  return m;
}

/** The module with records(), check() and events() wrapped to keep the first error they throw. */
function spied(mod: ModuleDef<any>): { mod: ModuleDef<any>; error(): unknown; keep(e: unknown): unknown } {
  let first: unknown;
  const keep = (e: unknown) => {
    first ??= e;
    return e;
  };
  function* sync<T>(it: Iterable<T>): Generator<T> {
    try {
      yield* it;
    } catch (e) {
      throw keep(e);
    }
  }
  async function* async_<T>(it: AsyncIterable<T>, inner?: (x: T) => T): AsyncGenerator<T> {
    try {
      for await (const x of it) yield inner ? inner(x) : x;
    } catch (e) {
      throw keep(e);
    }
  }
  const wrapFn = <A extends unknown[], R>(fn: ((...a: A) => R) | undefined) =>
    fn &&
    ((...a: A): R => {
      try {
        return fn(...a);
      } catch (e) {
        throw keep(e);
      }
    });
  const wrapped: ModuleDef<any> = {
    ...mod,
    records(ctx) {
      let src;
      try {
        src = mod.records(ctx);
      } catch (e) {
        throw keep(e);
      }
      if (isBatched(src)) return { batches: async_(src.batches, (b) => sync(b)) };
      if (Symbol.iterator in src) return sync(src as Iterable<unknown>);
      return async_(src as AsyncIterable<unknown>);
    },
    check: wrapFn(mod.check),
    events: wrapFn(mod.events),
  };
  return { mod: wrapped, error: () => first, keep };
}

/** Where a module's first declared artifact sits, with globs filled in. */
function placeOf(mod: ModuleDef<any>, kind: AcquisitionKind): { path?: string; domain?: string; relativePath?: string } {
  const fill = (g: string) => g.replace(/\*\*/g, "a/b").replace(/\*/g, "fuzz").replace(/[{}]/g, "");
  if (kind === "ios_backup") {
    const b = mod.reads.backup?.[0];
    if (!b) throw new Error(`${mod.name} reads nothing from a backup`);
    return { domain: fill(b.domain), relativePath: fill(b.path) };
  }
  const key = ({ ios_fs: "fs", ios_sysdiagnose: "sysdiagnose", androidqf: "androidqf", android_bugreport: "bugreport", android_backup: "android_backup", android_intrusion_logs: "intrusion_logs" } as Record<string, keyof typeof mod.reads>)[kind];
  const globs = mod.reads[key] as string[] | undefined;
  if (!globs?.length) throw new Error(`${mod.name} reads nothing from ${kind}`);
  return { path: fill(globs[0]) };
}

export interface ModuleTargetOptions {
  module: string;
  kind: AcquisitionKind;
  /** Target name; default "module:<name>". */
  name?: string;
  what?: string;
  seeds: Target["seeds"];
  mutators: Mutator[];
  /** Where the artifact goes, when the module's first declared path is not the one to use. */
  place?: { path?: string; domain?: string; relativePath?: string };
}

export function moduleTarget(o: ModuleTargetOptions): Target {
  const platform = o.kind.startsWith("ios") ? "ios" : "android";
  const mod = moduleByName(o.module, platform);
  const place = o.place ?? placeOf(mod, o.kind);
  return {
    name: o.name ?? `module:${o.module}`,
    what: o.what ?? `the ${o.module} module (${mod.title}) reading a damaged artifact, through runModule`,
    seeds: o.seeds,
    mutators: o.mutators,
    run: (input) => runWatched(mod, memoryView({ kind: o.kind, platform, files: [{ ...place, data: input }] })),
  };
}

/**
 * Runs the module on the view through runModule and returns its record count; throws the first
 * error the module threw, or when it failed without one.
 */
export async function runWatched(mod: ModuleDef<any>, view: AcquisitionView): Promise<number> {
  const s = spied(mod);
  // The view's find() runs before the module, in runModule, which makes its error a coverage line.
  const watched: AcquisitionView = Object.create(view, {
    find: { value: (spec: ArtifactSpec) => view.find(spec).catch((e: unknown) => Promise.reject(s.keep(e))) },
  });
  let n = 0;
  const out = await runModule(s.mod, watched, IOCS, { record: () => n++, event: () => {}, detection: () => {}, exposure: () => {} });
  const e = s.error();
  if (e !== undefined) throw e;
  // Records of evidence the module could not read and skipped (ctx.skip) make it failed
  // without an error: that is its documented outcome, with the count in the coverage.
  if (out.coverage.status === "failed" && !out.coverage.skipped) throw new Error(`${mod.name} failed without an error from the module: ${out.coverage.reason}`);
  return n;
}

/**
 * A small database the module accepts, found by asking it: start empty, and add the tables and
 * columns its "unexpected schema" and SQLite errors name until it runs; then a few rows of
 * mixed values. Used as a seed for modules whose databases no test builder makes.
 */
export async function discoverDatabase(module: string, kind: AcquisitionKind = "ios_backup"): Promise<Buffer | undefined> {
  const target = moduleTarget({ module, kind, seeds: () => [], mutators: [] });
  const db = new Database(":memory:");
  try {
    const tables = () => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
    const addColumn = (t: string, c: string) => {
      const have = (db.prepare(`PRAGMA table_info(${q(t)})`).all() as { name: string }[]).some((r) => r.name.toLowerCase() === c.toLowerCase());
      if (!have) db.exec(`ALTER TABLE ${q(t)} ADD COLUMN ${q(c)}`);
    };
    for (let step = 0; step < 60; step++) {
      let message: string;
      try {
        await target.run(db.serialize());
        break;
      } catch (e) {
        message = (e as Error).message;
      }
      let m: RegExpExecArray | null;
      if ((m = /no (?:such )?table:? ([\w.$]+)|unexpected schema: neither ([\w$]+)/.exec(message))) db.exec(`CREATE TABLE ${q((m[1] ?? m[2]).replace(/^main\./, ""))} (fuzz_id INTEGER)`);
      // "lacks A, B" needs both; "lacks A or B" either: both are added.
      else if ((m = /table ([\w$]+) lacks (.+)$/.exec(message))) for (const c of m[2].split(/, | or /)) addColumn(m[1], c.trim());
      else if ((m = /no such column: (?:[\w$]+\.)?([\w$]+)/.exec(message))) for (const t of tables()) addColumn(t, m[1]);
      // "table T has neither a/b (...) nor c/d": the first set of columns.
      else if ((m = /table ([\w$]+) has neither ([\w$]+(?:\/[\w$]+)*)/.exec(message))) for (const c of m[2].split("/")) addColumn(m[1], c);
      else break;
    }
    if (!tables().length) return undefined;
    const values = [1, "https://evil.example/a", 700000000, "com.spy", Buffer.from("bplist00"), null, 2, "+15555550123"];
    for (const t of tables()) {
      const cols = (db.prepare(`PRAGMA table_info(${q(t)})`).all() as { name: string }[]).map((r) => r.name);
      for (let row = 0; row < 3; row++) {
        db.prepare(`INSERT INTO ${q(t)} (${cols.map(q).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...cols.map((_, i) => values[(i + row) % values.length]));
      }
    }
    return db.serialize();
  } finally {
    db.close();
  }
}
