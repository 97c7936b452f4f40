// Exposure windows: given the versions a phone ran (and, where known, when), which flaws
// exploited in the wild was it open to? A phone is in a flaw's window when it ran a version
// below the fix while the flaw was being exploited: from the earliest documented use (or, when
// none is documented, the day exploitation became public) on. Exposure describes what the phone
// was open to; it never changes the verdict by itself.
import { english, msg } from "../../core/i18n/index.ts";
import type { Message } from "../../core/model.ts";
import type { AndroidFix, AppFix, ExposureEntry, ExposureTable, Fix, IosFix, PhonePlatform } from "./model.ts";
import { androidFixStatus, appFixStatus, iosFixStatus, normalizePatchLevel, compareIosVersions, type IosFixVerdict } from "./versions.ts";

/** A time span in which the phone is known to have run a version (ISO dates or times). */
export interface Span {
  /** First time the version is known to have run; absent when unknown. */
  from?: string;
  /** Last time it is known to have run (often the acquisition date); absent when unknown. */
  to?: string;
}

export interface IosObservation extends Span {
  kind: "ios";
  version: string;
  build?: string;
  /** Rapid Security Response letter installed on top of `version` ("a", "c"). */
  rsr?: string;
}
export interface AndroidObservation extends Span {
  kind: "android";
  /** ro.build.version.security_patch ("2023-03-05"). */
  patchLevel: string;
}
export interface AppObservation extends Span {
  kind: "app";
  app: "whatsapp";
  os: PhonePlatform;
  edition?: "business";
  version: string;
}
export type Observation = IosObservation | AndroidObservation | AppObservation;

export interface DeviceFacts {
  platform: PhonePlatform;
  /** iPhone or iPad, from the product type ("iPhone9,3"). */
  iosDevice?: "iphone" | "ipad";
  /** ro.product.manufacturer. */
  manufacturer?: string;
  /** Hardware known to be in the phone ("qualcomm", "mali", "mediatek"); absent when not known. */
  components?: string[];
}

export interface ExposureInput {
  device: DeviceFacts;
  observations: Observation[];
}

export interface ExposureWindow {
  id: string;
  cve?: string;
  product: string;
  title: string;
  /** The release that closes the window for this phone ("iOS 14.8", "patch level 2025-04-01 (Samsung)"). */
  fixed_in: string;
  /** `fixed_in` in the catalog's words, for the reader's language (a string when it has no words to translate). */
  fixed_in_message: Message | string;
  /** Every fix recorded for the flaw. */
  fixed_versions: string[];
  /** False when the fix named in fixed_in was not read at the vendor (see the table's note). */
  fix_verified: boolean;
  /** The version(s) the phone ran inside the window. */
  versions: string[];
  /** `versions` in the catalog's words, for the reader's language. */
  versions_message: (Message | string)[];
  exploited_since?: string;
  known_exploited: string;
  /** When CISA added the flaw to its Known Exploited Vulnerabilities catalog (YYYY-MM-DD), when it did. */
  kev_added?: string;
  /** When the phone is known to have been in the window (either end absent when unknown). */
  window: Span;
  campaigns: ExposureEntry["campaigns"];
  what_to_look_for: string;
  look_for_kind: ExposureEntry["look_for_kind"];
  sources: string[];
  /** False when the vendor says the known attacks used only older versions than the phone's. */
  targeted: boolean;
  /** Set when the flaw applies only to hardware or a maker the acquisition does not show (English). */
  condition?: string;
  /** `condition` as a catalog message, for the reader's language. */
  condition_message?: Message;
  /** One sentence saying why the phone was in the window (English). */
  reason: string;
  /** `reason` as a catalog message, for the reader's language. */
  reason_message: Message;
}

export interface NotEvaluated {
  id: string;
  title: string;
  reason: string;
  /** `reason` as a catalog message, when Vigil wrote it (not the table's own note). */
  reason_message?: Message;
}

export interface ExposureResult {
  windows: ExposureWindow[];
  /** Flaws that concern this phone's platform but could not be placed (no fixed version recorded, unreadable version). */
  notEvaluated: NotEvaluated[];
  table: { built: string; kevCatalog?: string };
}

/** Hardware a flaw needs, as the catalogs name it (exposure.component.<id>). */
const COMPONENTS = new Set(["qualcomm", "mali", "mediatek"]);
const MAKER_NAMES: Record<string, string> = { samsung: "Samsung", google: "Google Pixel" };

/** The first day a partial date ("2019", "2021-02") stands for. */
function startOf(d: string): string {
  return d.length === 4 ? `${d}-01-01` : d.length === 7 ? `${d}-01` : d.slice(0, 10);
}

const day = (iso: string | undefined): string | undefined => (iso ? iso.slice(0, 10) : undefined);

/** A fixed release in words: "iOS 15.7.7", "security patch level 2025-04-01 (Samsung)". */
function fixWords(f: Fix): Message | string {
  if ("app" in f) return msg("exposure.fix.app", { app: `WhatsApp${f.edition ? " Business" : ""}`, os: f.os === "ios" ? "iOS" : "Android", version: f.version });
  if (f.os === "ios") return `${f.ipad_only ? "iPadOS" : "iOS"} ${f.version}${f.rsr ? ` (${f.rsr})` : ""}`;
  return msg("exposure.patch_level", { patch: f.patch_level, maker: f.vendor ? ` (${MAKER_NAMES[f.vendor]})` : "" });
}

function describeFix(f: Fix): string {
  const w = fixWords(f);
  return typeof w === "string" ? w : english(w);
}

/** A version the phone ran, in words: "iOS 16.5 (20F66)", "security patch level 2023-03-05". */
function observationWords(o: Observation): Message | string {
  if (o.kind === "ios") return `iOS ${o.version}${o.rsr ? ` (${o.rsr})` : ""}${o.build ? ` (${o.build})` : ""}`;
  if (o.kind === "android") return msg("exposure.patch_level", { patch: o.patchLevel, maker: "" });
  return `WhatsApp${o.edition ? " Business" : ""} ${o.version}`;
}

function describeObservation(o: Observation): string {
  const w = observationWords(o);
  return typeof w === "string" ? w : english(w);
}

/** A partial date in words, in the reader's language: "2019", "April 2019", "31 January 2024". */
function dateWords(d: string): Message | string {
  const [y, m, dd] = d.split("-");
  if (!m) return y!;
  const month = msg(`date.month.${Number(m)}`);
  return dd ? msg("date.day_month_year", { n: Number(dd), month, year: y! }) : msg("date.month_year", { month, year: y! });
}

interface Placement {
  below: boolean;
  fix?: Fix;
  condition?: Message;
  olderBranch?: boolean;
  unknown?: Message | string;
}

function place(entry: ExposureEntry, o: Observation, device: DeviceFacts): Placement | "not_applicable" {
  if (o.kind === "ios") {
    const fixes = entry.fixed.filter((f): f is IosFix => !("app" in f) && f.os === "ios");
    if (fixes.length === 0) return entry.fixed.length ? "not_applicable" : { below: false, unknown: entry.no_fix_recorded ?? msg("exposure.why.no_fix") };
    const v: IosFixVerdict = iosFixStatus({ version: o.version, build: o.build, rsr: o.rsr, kind: device.iosDevice }, fixes);
    if (v.status === "unknown") return { below: false, unknown: v.why };
    if (v.status === "fixed") return { below: false };
    return { below: true, fix: v.next, olderBranch: v.branch === "older" };
  }
  if (o.kind === "android") {
    const fixes = entry.fixed.filter((f): f is AndroidFix => !("app" in f) && f.os === "android");
    if (fixes.length === 0) return entry.fixed.length ? "not_applicable" : { below: false, unknown: entry.no_fix_recorded ?? msg("exposure.why.no_fix") };
    const v = androidFixStatus({ patchLevel: o.patchLevel, manufacturer: device.manufacturer }, fixes);
    if (v.status === "not_applicable") return "not_applicable";
    if (v.status === "unknown") return { below: false, unknown: v.why };
    if (v.status === "fixed") return { below: false };
    return { below: true, fix: v.next, condition: v.condition };
  }
  const fixes = entry.fixed.filter((f): f is AppFix => "app" in f && f.app === o.app);
  if (fixes.length === 0) return "not_applicable";
  const v = appFixStatus({ app: o.app, os: o.os, edition: o.edition, version: o.version }, fixes);
  if (v.status === "not_applicable") return "not_applicable";
  if (v.status === "unknown") return { below: false, unknown: v.why };
  if (v.status === "fixed") return { below: false };
  return { below: true, fix: v.next };
}

/** Whether the entry can concern this device at all, and under which condition. */
function applies(entry: ExposureEntry, device: DeviceFacts): { ok: boolean; condition?: Message } {
  const isApp = entry.fixed.some((f) => "app" in f);
  if (!isApp && !entry.platforms.includes(device.platform)) return { ok: false };
  const req = entry.requires;
  if (req?.manufacturer) {
    const maker = device.manufacturer?.trim().toLowerCase();
    if (maker && maker !== req.manufacturer) return { ok: false };
    if (!maker) return { ok: true, condition: msg("exposure.condition.maker", { maker: MAKER_NAMES[req.manufacturer] }) };
  }
  if (req?.component) {
    const known = device.components?.map((c) => c.toLowerCase());
    if (known && !known.includes(req.component)) return { ok: false };
    if (!known) return { ok: true, condition: msg("exposure.condition.component", { component: COMPONENTS.has(req.component) ? msg(`exposure.component.${req.component}`) : req.component }) };
  }
  return { ok: true };
}

function relevantObservation(entry: ExposureEntry, o: Observation): boolean {
  if (o.kind === "app") return entry.fixed.some((f) => "app" in f && f.os === o.os);
  return !entry.fixed.some((f) => "app" in f);
}

export function evaluateExposure(table: ExposureTable, input: ExposureInput): ExposureResult {
  const windows: ExposureWindow[] = [];
  const notEvaluated: NotEvaluated[] = [];
  for (const entry of table.entries) {
    const gate = applies(entry, input.device);
    if (!gate.ok) continue;
    const obs = input.observations.filter((o) => relevantObservation(entry, o));
    if (obs.length === 0) continue;
    const start = startOf(entry.exploited_since ?? entry.known_exploited);
    const hits: { o: Observation; p: Placement }[] = [];
    let unknown: Message | string | undefined;
    for (const o of obs) {
      const p = place(entry, o, input.device);
      if (p === "not_applicable") continue;
      if (p.unknown) {
        unknown ??= p.unknown;
        continue;
      }
      if (!p.below) continue;
      // Known to have run the version only before exploitation is on record: not in the window.
      if (o.to && day(o.to)! < start) continue;
      hits.push({ o, p });
    }
    if (hits.length === 0) {
      if (unknown) notEvaluated.push(typeof unknown === "string" ? { id: entry.id, title: entry.title, reason: unknown } : { id: entry.id, title: entry.title, reason: english(unknown), reason_message: unknown });
      continue;
    }
    windows.push(toWindow(entry, hits, start, gate.condition));
  }
  windows.sort(
    (a, b) => Number(b.campaigns.length > 0) - Number(a.campaigns.length > 0) || b.known_exploited.localeCompare(a.known_exploited) || a.id.localeCompare(b.id),
  );
  return { windows, notEvaluated, table: { built: table.built, kevCatalog: table.kev?.catalogVersion } };
}

function toWindow(entry: ExposureEntry, hits: { o: Observation; p: Placement }[], start: string, gateCondition?: Message): ExposureWindow {
  const first = hits[0]!;
  const fix = first.p.fix!;
  const froms = hits.map((h) => day(h.o.from)).filter((d): d is string => !!d);
  const tos = hits.map((h) => day(h.o.to)).filter((d): d is string => !!d);
  const allFrom = froms.length === hits.length;
  const allTo = tos.length === hits.length;
  const from = allFrom ? [...froms].sort()[0]! : undefined;
  const window: Span = {
    from: from ? (from > start ? from : start) : undefined,
    to: allTo ? [...tos].sort().at(-1) : undefined,
  };
  const targeted = !(
    entry.exploited_below &&
    hits.every((h) => h.o.kind === "ios" && compareIosVersions(h.o.version, entry.exploited_below!) >= 0)
  );
  const condition = [gateCondition, ...hits.map((h) => h.p.condition)].filter((c): c is Message => !!c)[0];
  const reason = reasonFor(entry, first.o, first.p, fix, targeted, window);
  const seen = new Map(hits.map((h) => [describeObservation(h.o), observationWords(h.o)] as const));
  return {
    id: entry.id,
    cve: entry.cve,
    product: entry.product,
    title: entry.title,
    fixed_in: describeFix(fix),
    fixed_in_message: fixWords(fix),
    fixed_versions: entry.fixed.map(describeFix),
    fix_verified: fix.verified,
    versions: [...seen.keys()],
    versions_message: [...seen.values()],
    exploited_since: entry.exploited_since,
    known_exploited: entry.known_exploited,
    ...(entry.kev?.dateAdded || entry.kev_added ? { kev_added: entry.kev?.dateAdded ?? entry.kev_added } : {}),
    window,
    campaigns: entry.campaigns,
    what_to_look_for: entry.look_for,
    look_for_kind: entry.look_for_kind,
    sources: entry.sources,
    targeted,
    ...(condition ? { condition: english(condition), condition_message: condition } : {}),
    reason: english(reason),
    reason_message: reason,
  };
}

function reasonFor(entry: ExposureEntry, o: Observation, p: Placement, fix: Fix, targeted: boolean, window: Span): Message {
  const seen =
    o.from && o.to ? msg("exposure.window.seen_from_to", { from: day(o.from)!, to: day(o.to)! }) : o.to ? msg("exposure.window.still_on", { to: day(o.to)! }) : o.from ? msg("exposure.window.seen_from", { from: day(o.from)! }) : "";
  const fixed =
    p.olderBranch && o.kind === "ios"
      ? msg("exposure.window.no_branch_fix", { major: o.version.split(".")[0]!, fix: fixWords(fix) })
      : msg("exposure.window.fixed_in", { fix: fixWords(fix), unverified: fix.verified ? "" : msg("exposure.window.fix_unverified") });
  const when = entry.exploited_since
    ? msg("exposure.window.exploited_since", { date: dateWords(entry.exploited_since) })
    : entry.known_exploited_source.startsWith("CISA KEV")
      ? msg("exposure.window.kev_listed", { date: dateWords(entry.known_exploited) })
      : msg("exposure.window.public_since", { date: dateWords(entry.known_exploited) });
  return msg("exposure.window.reason", {
    version: observationWords(o),
    seen,
    fix: fixed,
    when,
    campaign: entry.campaigns[0] ? msg("exposure.window.campaign", { name: entry.campaigns[0].name }) : "",
    dates: window.to || window.from ? "" : msg("exposure.window.dates_unknown"),
    targeted: entry.exploited_below ? msg(targeted ? "exposure.window.targeted" : "exposure.window.not_targeted", { below: entry.exploited_below }) : "",
    patch: o.kind === "android" && !normalizePatchLevel(o.patchLevel) ? msg("exposure.window.patch_unreadable") : "",
  });
}
