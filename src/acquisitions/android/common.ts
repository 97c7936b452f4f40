// What the Android openers share: device info from system properties, a view over a list of
// loose files, a view whose opening failed but whose failure must land in the coverage rather
// than stop the check (a nested encrypted backup with no password), and the files the run's
// modules want (for prefetching from sequential archives).
import { createHash } from "node:crypto";
import { createReadStream, promises as fsp, statSync } from "node:fs";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import { VigilError } from "../../core/errors.ts";
import type { DeviceInfo, InputFile, Platform } from "../../core/model.ts";
import { fromDate } from "../../core/time.ts";
import { parseGetprop } from "../../formats/getprop.ts";
import { openSqliteFile } from "../../formats/sqlite.ts";
import type { BaseView } from "../archive/base-view.ts";
import type { Refusal } from "../archive/safety.ts";
import { HashedRead, hashedInput } from "../hash.ts";
import { specKeyFor } from "../memory.ts";
import { findByScan, glob } from "../spec-match.ts";
import type { AcquisitionKind, AcquisitionView, ArtifactSpec, FileEntry } from "../view.ts";

/** Device fields from Android system properties (getprop names). */
export function deviceFromProps(props: Map<string, string>): Partial<DeviceInfo> {
  const d: Partial<DeviceInfo> = {};
  const set = (k: keyof DeviceInfo, v: string | undefined) => {
    if (v && v.trim()) (d as Record<string, unknown>)[k as string] = v.trim();
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

/** Android version and build id from a fingerprint "brand/product/device:release/id/incr:type/tags". */
export function deviceFromFingerprint(fp: string): Partial<DeviceInfo> {
  const m = /^([^/]+)\/([^/]+)\/([^:]+):([^/]+)\/([^/]+)\/([^:]+):([^/]+)\/(.+)$/.exec(fp.trim());
  if (!m) return { fingerprint: fp.trim() };
  return { fingerprint: fp.trim(), osVersion: m[4], build: m[5] };
}

/** Larger than any getprop output (a few hundred KB): not loaded for the device facts. */
const MAX_GETPROP = 16 << 20;

/**
 * Device fields from getprop.txt; {} when it is missing, damaged or too large. The getprop module
 * reports what it cannot read: one damaged file must not stop the whole bundle's check.
 */
export async function deviceFromGetprop(view: BaseView, path = "getprop.txt"): Promise<Partial<DeviceInfo>> {
  const e = await view.entry(path);
  if (!e || (e.type ?? "file") !== "file" || (e.size ?? 0) > MAX_GETPROP) return {};
  try {
    const text = (await view.readFile(e)).toString("utf8");
    const { properties } = parseGetprop(text.split("\n"), e.path);
    return deviceFromProps(new Map(properties.map((p) => [p.name, p.value])));
  } catch {
    return {};
  }
}

/**
 * When androidqf started the acquisition, from its acquisition.json (`started`, an RFC 3339 time);
 * {} when the file is missing or says nothing readable.
 */
export async function acquiredFromAndroidqf(view: BaseView, path = "acquisition.json"): Promise<Partial<DeviceInfo>> {
  const e = await view.entry(path);
  if (!e || (e.type ?? "file") !== "file") return {};
  try {
    const meta = JSON.parse((await view.readFile(e)).toString("utf8")) as { started?: unknown };
    const t = typeof meta?.started === "string" ? Date.parse(meta.started) : NaN;
    return Number.isFinite(t) ? { acquired: new Date(t).toISOString() } : {};
  } catch {
    return {};
  }
}

/** Whether an entry of this kind of acquisition is one the modules want (`wanted`: their `reads` merged). */
export function wantedBy(wanted: ArtifactSpec, kind: AcquisitionKind): (e: FileEntry) => boolean {
  const tests = ((wanted[specKeyFor(kind)] as string[] | undefined) ?? []).map((g) => glob(g));
  return (e) => tests.some((t) => t(e.path));
}

/** The env/prompt/option chain of a secret, as given by the CLI. */
export type SecretSource = () => Promise<string | undefined>;

/**
 * A view of a few loose files (intrusion-log exports or captures given one by one), each named
 * by its base name (or by `name`). Reads go to the files themselves; nothing is written.
 */
export function filesView(files: string[], opts: { kind: AcquisitionKind; platform: Platform; root: string; name?: (file: string) => string }): BaseView {
  const byName = new Map<string, string>();
  // The next number to try for each base name: many files of one name (the same log from
  // thousands of folders) are numbered in one pass, not by trying every number again.
  const next = new Map<string, number>();
  for (const f of files) {
    const base = opts.name?.(f) ?? basename(f);
    let name = base;
    let i = next.get(base) ?? 2;
    while (byName.has(name)) name = `${i++}-${base}`;
    next.set(base, i);
    byName.set(name, f);
  }
  const read = new Map<string, InputFile>();
  const pending: Promise<unknown>[] = [];
  const real = (e: FileEntry) => {
    const f = byName.get(e.path);
    if (!f) throw new VigilError(`no file ${e.path} in this acquisition`, { file: opts.root });
    return f;
  };
  const hashLater = (f: string) => {
    if (read.has(f)) return;
    read.set(f, { path: f, sha256: "", size: 0 });
    pending.push(hashedInput(f, f).then((h) => read.set(f, h)));
  };
  /** Files read by readInPlace: hashed by that read, finished when the view settles. */
  const readers = new Map<string, HashedRead>();
  const info = (name: string, f: string): FileEntry => {
    const st = statSync(f);
    // A time past what a Date holds (tmpfs and btrfs keep year 31 million) is left out.
    return { path: name, size: st.size, modified: fromDate(st.mtime), changed: fromDate(st.ctime) };
  };
  const view: BaseView = {
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
      return f ? info(p, f) : undefined;
    },
    async readFile(e) {
      const f = real(e);
      const data = await fsp.readFile(f);
      read.set(f, { path: f, size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
      return data;
    },
    async openStream(e): Promise<Readable> {
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
    async inPlacePath(e) {
      const f = real(e);
      hashLater(f);
      return f;
    },
    async readInPlace(e) {
      const f = real(e);
      const reader = new HashedRead(f, f);
      // A file read before is already hashed: this read's hash goes unused.
      if (!read.has(f)) {
        read.set(f, { path: f, sha256: "", size: 0 });
        readers.set(f, reader);
      }
      return reader;
    },
    inputsRead: () => [...read.values()].filter((i) => i.sha256 || i.error),
    refused: (): Refusal[] => [],
    async settled() {
      await Promise.all([...pending, ...[...readers].map(async ([f, r]) => read.set(f, await r.hashed()))]);
    },
    async close() {
      await Promise.all([...readers.values()].map((r) => r.close()));
    },
  };
  return view;
}

/**
 * A view standing in for one that could not be opened (an encrypted nested backup and no
 * password): every module that applies fails with the one-line reason, so the coverage says
 * what was not checked instead of the whole check stopping.
 */
export function failedView(opts: { kind: AcquisitionKind; platform: "android"; root: string; encrypted: boolean; error: unknown }): BaseView {
  const fail = async (): Promise<never> => {
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
    async settled() {},
    async close() {},
  };
}

export function isDirectory(path: string, display = path): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new VigilError("no such file or folder", { file: display, code: "usage" });
  return st.isDirectory();
}

export type { AcquisitionView };
