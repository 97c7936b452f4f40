// Version arithmetic for exposure windows: iOS versions and their fix branches, Apple build
// numbers, Rapid Security Responses, Android security patch levels and app versions.
import { msg } from "../../core/i18n/index.ts";
import type { Message } from "../../core/model.ts";
import type { AndroidFix, AppFix, IosFix } from "./model.ts";

/** "16.5.1", "16.5.1 (c)", "17.0" → numbers and the RSR letter; undefined when not a version. */
export function parseIosVersion(v: string): { parts: [number, number, number]; rsr?: string } | undefined {
  // Trimmed first: the expression's leading and trailing \s* tried every split of a long run of spaces.
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*(?:\(([a-z])\))?$/.exec(v.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], rsr: m[4] };
}

export function compareIosVersions(a: string, b: string): number {
  const x = parseIosVersion(a)?.parts;
  const y = parseIosVersion(b)?.parts;
  if (!x || !y) throw new Error(`not an iOS version: ${x ? b : a}`);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

export const iosMajor = (v: string): number | undefined => parseIosVersion(v)?.parts[0];

/**
 * Apple build numbers ("18C66", "20F770750d"): train number, letter, build, suffix letters.
 * Within a train they grow with every release, so they order releases of one version
 * (a Rapid Security Response keeps the version and raises the build).
 */
export function compareBuilds(a: string, b: string): number | undefined {
  const p = (s: string) => /^(\d+)([A-Z])(\d+)([a-z]*)$/.exec(s.trim());
  const x = p(a);
  const y = p(b);
  if (!x || !y) return undefined;
  const keys = (m: RegExpExecArray): (number | string)[] => [Number(m[1]), m[2]!, Number(m[3]), m[4]!];
  const kx = keys(x);
  const ky = keys(y);
  for (let i = 0; i < kx.length; i++) {
    if (kx[i] === ky[i]) continue;
    return kx[i]! < ky[i]! ? -1 : 1;
  }
  return 0;
}

export interface IosDevice {
  version: string;
  build?: string;
  /** Rapid Security Response letter installed on top of `version`. */
  rsr?: string;
  /** iPhone or iPad; iPadOS-only fixes apply to an iPad, and to a device of unknown kind. */
  kind?: "iphone" | "ipad";
}

export type IosFixVerdict =
  | { status: "fixed"; by?: IosFix }
  /** `branch` is "same" (this major version has a fix, the phone is below it) or "older" (no fix for this major; a later one has it). */
  | { status: "below"; next: IosFix; branch: "same" | "older" }
  | { status: "unknown"; why: Message };

function satisfies(d: IosDevice, f: IosFix): boolean {
  const c = compareIosVersions(d.version, f.version);
  if (c !== 0) return c > 0;
  if (!f.rsr) return true;
  if (d.rsr && d.rsr >= f.rsr) return true;
  if (d.build && f.build) return (compareBuilds(d.build, f.build) ?? -1) >= 0;
  return false;
}

const byVersion = (a: IosFix, b: IosFix): number => compareIosVersions(a.version, b.version) || (a.rsr ?? "").localeCompare(b.rsr ?? "");

/**
 * Whether an iOS version is fixed, by the branch rule: a fix in 15.7.7 covers 15.x (15.8 is
 * fixed, 15.7.6 is not), a fix in 16.5.1 covers 16.x; a major version with no fix of its own is
 * fixed when it is newer than every fixed major version (it was released with the fix), and open
 * when a later major version has the fix (Apple fixed only newer releases).
 */
export function iosFixStatus(d: IosDevice, fixes: IosFix[]): IosFixVerdict {
  const p = parseIosVersion(d.version);
  if (!p) return { status: "unknown", why: msg("exposure.why.not_ios_version", { version: d.version }) };
  const major = p.parts[0];
  const usable = fixes.filter((f) => !f.ipad_only || d.kind !== "iphone");
  if (usable.length === 0) return { status: "unknown", why: msg("exposure.why.no_ios_fix_for_device") };
  const same = usable.filter((f) => iosMajor(f.version) === major).sort(byVersion);
  if (same.length > 0) {
    const by = same.find((f) => satisfies(d, f));
    if (by) return { status: "fixed", by };
    return { status: "below", next: same[0]!, branch: "same" };
  }
  const later = usable.filter((f) => iosMajor(f.version)! > major).sort(byVersion);
  if (later.length === 0) return { status: "fixed" };
  return { status: "below", next: later[0]!, branch: "older" };
}

const PATCH_RE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** "2023-03-05" or "2023-03" → "2023-03-05" / "2023-03-01"; undefined when not a patch level. */
export function normalizePatchLevel(v: string): string | undefined {
  const m = PATCH_RE.exec(v.trim());
  if (!m) return undefined;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  return `${m[1]}-${m[2]}-${m[3] ?? "01"}`;
}

export interface AndroidDevice {
  patchLevel: string;
  /** ro.product.manufacturer, any case ("samsung", "Google"). */
  manufacturer?: string;
}

export type AndroidFixVerdict =
  | { status: "fixed"; by: AndroidFix }
  | { status: "below"; next: AndroidFix; condition?: Message }
  | { status: "not_applicable"; why: Message }
  | { status: "unknown"; why: Message };

const VENDOR_NAMES: Record<NonNullable<AndroidFix["vendor"]>, string> = { samsung: "Samsung", google: "Google Pixel" };

/** A fix tied to a maker applies to that maker's phones; with the maker unknown, it applies under a condition. */
export function androidFixStatus(d: AndroidDevice, fixes: AndroidFix[]): AndroidFixVerdict {
  const level = normalizePatchLevel(d.patchLevel);
  if (!level) return { status: "unknown", why: msg("exposure.why.not_patch_level", { patch: d.patchLevel }) };
  const maker = d.manufacturer?.trim().toLowerCase();
  const usable = fixes.filter((f) => !f.vendor || !maker || maker === f.vendor);
  if (usable.length === 0) return { status: "not_applicable", why: msg("exposure.why.vendor_fix", { makers: fixes.map((f) => VENDOR_NAMES[f.vendor!]).join(", ") }) };
  const sorted = [...usable].sort((a, b) => a.patch_level.localeCompare(b.patch_level));
  const by = sorted.find((f) => level >= f.patch_level);
  if (by) return { status: "fixed", by };
  const next = sorted[0]!;
  const condition = next.vendor && !maker ? msg("exposure.condition.maker", { maker: VENDOR_NAMES[next.vendor] }) : undefined;
  return { status: "below", next, condition };
}

/** Dotted numeric versions of any length ("2.19.51" < "2.19.134"); undefined when not numeric. */
export function compareDotted(a: string, b: string): number | undefined {
  const pa = a.trim().split(".");
  const pb = b.trim().split(".");
  if (![...pa, ...pb].every((x) => /^\d+$/.test(x))) return undefined;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface AppInstall {
  app: "whatsapp";
  os: "ios" | "android";
  edition?: "business";
  version: string;
}

export type AppFixVerdict =
  | { status: "fixed"; by: AppFix }
  | { status: "below"; next: AppFix }
  | { status: "not_applicable"; why: Message }
  | { status: "unknown"; why: Message };

export function appFixStatus(a: AppInstall, fixes: AppFix[]): AppFixVerdict {
  const fix = fixes.find((f) => f.app === a.app && f.os === a.os && (f.edition ?? "") === (a.edition ?? ""));
  if (!fix) return { status: "not_applicable", why: msg("exposure.why.no_app_fix", { app: `${a.app}${a.edition ? ` ${a.edition}` : ""}`, os: a.os }) };
  const c = compareDotted(a.version, fix.version);
  if (c === undefined) return { status: "unknown", why: msg("exposure.why.not_version", { version: a.version }) };
  if (c >= 0) return { status: "fixed", by: fix };
  if (fix.affected_from && (compareDotted(a.version, fix.affected_from) ?? 0) < 0) {
    return { status: "not_applicable", why: msg("exposure.why.not_affected_before", { version: fix.affected_from }) };
  }
  return { status: "below", next: fix };
}
