// Builds the exposure table from CISA's KEV catalog and the hand-curated file: selects the
// catalog entries that concern phones and messengers, keeps their KEV facts as given, and
// overlays what data/exposure/curated.yaml adds (fixed versions, campaigns, what to look for).
// Pure: scripts/build-exposure.ts and `vigil update` call it with the bytes they read.
import { createHash } from "node:crypto";
import { VigilError } from "../../core/errors.ts";
import { parseYaml } from "../../core/yaml.ts";
import type { AndroidFix, AppFix, Campaign, ExposureEntry, ExposureTable, Fix, IosFix, KevFacts, PhonePlatform } from "./model.ts";
import { normalizePatchLevel, parseIosVersion, compareDotted } from "./versions.ts";

export const KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
const KEV_LICENSE = "CC0 1.0 (CISA)";
const CVE_RECORD = "https://www.cve.org/CVERecord?id=";

interface KevVuln {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  dateAdded: string;
  shortDescription: string;
  notes: string;
}

/** Where a KEV entry belongs, or undefined when it does not concern phones. */
interface Scope {
  platforms: PhonePlatform[];
  product: string;
  requires?: ExposureEntry["requires"];
  kind: "apple" | "android" | "chrome" | "samsung" | "pixel" | "chipset" | "whatsapp" | "kernel";
}

function scopeOf(v: KevVuln): Scope | undefined {
  const vendor = v.vendorProject.trim();
  const product = v.product.trim();
  if (vendor === "Apple") {
    if (/\biOS\b|iPadOS/.test(product) || product === "Multiple Products") return { platforms: ["ios"], product: "iOS/iPadOS", kind: "apple" };
    return undefined;
  }
  if (vendor === "Android" && /Pixel/.test(product)) return { platforms: ["android"], product: "Google Pixel", requires: { manufacturer: "google" }, kind: "pixel" };
  if (vendor === "Android") return { platforms: ["android"], product: `Android ${product.replace(/^Android\s*/, "")}`.trim(), kind: "android" };
  if (vendor === "Google" && product === "Pixel") return { platforms: ["android"], product: "Google Pixel", requires: { manufacturer: "google" }, kind: "pixel" };
  if (vendor === "Google" && /Chrom/.test(product)) return { platforms: ["android"], product: "Chrome and Android WebView", kind: "chrome" };
  if (vendor === "Samsung" && product === "Mobile Devices") return { platforms: ["android"], product: "Samsung mobile devices", requires: { manufacturer: "samsung" }, kind: "samsung" };
  if (vendor === "Qualcomm") return { platforms: ["android"], product: "Qualcomm chipsets", requires: { component: "qualcomm" }, kind: "chipset" };
  if (vendor === "Arm" && /Mali/.test(product)) return { platforms: ["android"], product: "Arm Mali GPU driver", requires: { component: "mali" }, kind: "chipset" };
  if (vendor === "MediaTek") return { platforms: ["android"], product: "MediaTek chipsets", requires: { component: "mediatek" }, kind: "chipset" };
  if (vendor === "Meta Platforms" && product === "WhatsApp") return { platforms: ["ios", "android"], product: "WhatsApp", kind: "whatsapp" };
  if (vendor === "Linux" && /source\.android\.com/.test(v.notes)) return { platforms: ["android"], product: "Android (Linux kernel)", kind: "kernel" };
  return undefined;
}

/** Security patch levels that follow from the bulletin CISA links, for the kinds where that is safe to say. */
function derivedFixes(v: KevVuln, s: Scope): AndroidFix[] {
  const out: AndroidFix[] = [];
  const smr = /securityUpdate\.smsb\?year=(\d{4})&month=(\d{1,2})\b/.exec(v.notes);
  if (s.kind === "samsung" && smr) {
    const level = `${smr[1]}-${smr[2]!.padStart(2, "0")}-01`;
    out.push({ os: "android", vendor: "samsung", patch_level: level, verified: false, source: smr[0] && `https://security.samsungmobile.com/${smr[0]}`, derived: "the month of the Samsung security bulletin that CISA KEV links (Samsung firmware reports its SMR month as YYYY-MM-01)" });
  }
  const pixel = /source\.android\.com\/docs\/security\/bulletin\/pixel\/(\d{4}-\d{2})-01/.exec(v.notes);
  if (s.kind === "pixel" && pixel) {
    out.push({ os: "android", vendor: "google", patch_level: `${pixel[1]}-05`, verified: false, source: `https://${pixel[0]}`, derived: "the month of the Pixel Update Bulletin that CISA KEV links (Pixel updates carry the YYYY-MM-05 level)" });
  }
  const asb = /source\.android\.com\/docs\/security\/bulletin\/(\d{4}-\d{2})-01/.exec(v.notes);
  if (!pixel && asb && (s.kind === "android" || s.kind === "kernel")) {
    const kernel = s.kind === "kernel" || /kernel/i.test(v.product);
    out.push({ os: "android", patch_level: `${asb[1]}-${kernel ? "05" : "01"}`, verified: false, source: `https://${asb[0]}`, derived: `the month of the Android Security Bulletin that CISA KEV links (${kernel ? "kernel fixes are in the YYYY-MM-05 level" : "framework and system fixes are in the YYYY-MM-01 level"})` });
  }
  return out;
}

const NO_FIX: Record<Scope["kind"], string> = {
  apple: "no fixed iOS version was checked for this entry; CISA KEV gives none",
  android: "no security patch level was checked for this entry; CISA KEV links no Android bulletin",
  kernel: "no security patch level was checked for this entry",
  pixel: "no Pixel patch level was checked for this entry",
  samsung: "the Samsung bulletin month was not given by CISA KEV and was not checked",
  chipset: "the fix depends on each phone maker's firmware; no patch level was checked",
  chrome: "Chrome's records give the desktop version; the Chrome for Android and WebView versions were not recorded",
  whatsapp: "the fixed app versions were not checked for this entry",
};

const GENERIC = {
  webIos: "Links opened in Safari or an in-app browser shortly before crashes of the web content process (com.apple.WebKit.WebContent); the domains of the public indicators in browsing history.",
  mediaIos: "Files delivered by message (iMessage, WhatsApp, mail attachments) from unknown senders, and crash logs of the processes that parse them around the same time.",
  kernelIos: "A kernel or driver flaw used after a first foothold: look for that foothold (message attachments, links, network injection) and for unknown processes in process artifacts (DataUsage, netusage, shutdown.log, crash logs).",
  webAndroid: "Links opened in Chrome or an app's WebView shortly before crashes of the browser or WebView (tombstones, dropbox), then new processes or apps; the domains of the public indicators in browsing history.",
  kernelAndroid: "A kernel, driver or firmware flaw used after a first foothold (browser, app, or physical access): crashes and SELinux denials in logs, unknown root processes, new apps with accessibility or device-admin rights.",
  samsung: "A Samsung component: files or messages that reached the phone shortly before crashes of system apps (tombstones, dropbox), and whether the phone was out of the owner's hands.",
  whatsapp: "WhatsApp calls or messages from unknown contacts around the window, and any notification WhatsApp sent about targeted attacks.",
  other: "Artifacts of the component named in the title, around the dates of the window.",
};

function genericLookFor(v: KevVuln, s: Scope): string {
  const what = `${v.product} ${v.vulnerabilityName}`;
  if (s.kind === "whatsapp") return GENERIC.whatsapp;
  if (s.kind === "samsung") return GENERIC.samsung;
  if (s.kind === "chrome") return GENERIC.webAndroid;
  if (s.platforms.includes("android")) return GENERIC.kernelAndroid;
  if (/WebKit|Safari|Cross-Site/i.test(what)) return GENERIC.webIos;
  if (/ImageIO|CoreGraphics|Font|Audio|Media|Image|Messages|Wallet|PDF/i.test(what)) return GENERIC.mediaIos;
  if (/Kernel|Memory|Privilege|IOMobileFrameBuffer|IOSurface|GPU|Type Confusion|Race|Integer|Buffer|Use-After-Free|Out-of-Bounds/i.test(what)) return GENERIC.kernelIos;
  return GENERIC.other;
}

function urlsIn(notes: string): string[] {
  return [...new Set((notes.match(/https?:\/\/[^\s;,]+/g) ?? []).map((u) => u.replace(/[.)]+$/, "")))];
}

// ---- the curated file -------------------------------------------------------------------------

type Raw = Record<string, unknown>;

const DATE_RE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

class CuratedReader {
  constructor(private file: string) {}
  fail(id: string, what: string): never {
    throw new VigilError(`exposure entry ${id}: ${what}`, { file: this.file });
  }
  str(id: string, r: Raw, k: string, re?: RegExp): string | undefined {
    const v = r[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || !v.trim()) this.fail(id, `${k} must be a non-empty string`);
    if (re && !re.test(v)) this.fail(id, `${k} "${v}" has the wrong form`);
    return v.trim();
  }
  strings(id: string, r: Raw, k: string): string[] | undefined {
    const v = r[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) this.fail(id, `${k} must be a list of strings`);
    return v as string[];
  }
  fix(id: string, r: unknown): Fix {
    if (!r || typeof r !== "object") this.fail(id, "a fix must be a map");
    const f = r as Raw;
    if (typeof f.verified !== "boolean") this.fail(id, "every fix says verified: true or false");
    const common = { verified: f.verified as boolean, source: this.str(id, f, "source"), note: this.str(id, f, "note") };
    if (f.os === "ios" && f.app === undefined) {
      const version = this.str(id, f, "version") ?? this.fail(id, "an iOS fix needs a version");
      if (!parseIosVersion(version)) this.fail(id, `"${version}" is not an iOS version`);
      const rsr = this.str(id, f, "rsr", /^[a-z]$/);
      const fix: IosFix = { os: "ios", version, ...common };
      if (f.ipad_only === true) fix.ipad_only = true;
      if (rsr) fix.rsr = rsr;
      const build = this.str(id, f, "build", /^\d+[A-Z]\d+[a-z]*$/);
      if (build) fix.build = build;
      return clean(fix);
    }
    if (f.os === "android" && f.app === undefined) {
      const level = normalizePatchLevel(this.str(id, f, "patch_level") ?? this.fail(id, "an Android fix needs a patch_level"));
      if (!level) this.fail(id, "patch_level must be YYYY-MM-DD");
      const vendor = f.vendor;
      if (vendor !== undefined && vendor !== "samsung" && vendor !== "google") this.fail(id, "vendor must be samsung or google");
      return clean({ os: "android", patch_level: level, vendor: vendor as AndroidFix["vendor"], ...common } satisfies AndroidFix);
    }
    if (f.app === "whatsapp") {
      if (f.os !== "ios" && f.os !== "android") this.fail(id, "an app fix names os: ios or android");
      const version = this.str(id, f, "version") ?? this.fail(id, "an app fix needs a version");
      const from = this.str(id, f, "affected_from");
      if (compareDotted(version, "0") === undefined || (from && compareDotted(from, "0") === undefined)) this.fail(id, "app versions are dotted numbers");
      if (f.edition !== undefined && f.edition !== "business") this.fail(id, "edition must be business");
      return clean({ app: "whatsapp", os: f.os, edition: f.edition as "business" | undefined, version, affected_from: from, ...common } satisfies AppFix);
    }
    return this.fail(id, "a fix is {os: ios, version}, {os: android, patch_level} or {app: whatsapp, os, version}");
  }
  campaigns(id: string, r: Raw): Campaign[] | undefined {
    const v = r.campaigns;
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(id, "campaigns must be a list");
    return v.map((c) => {
      if (!c || typeof c !== "object") this.fail(id, "a campaign is {name, by?, source}");
      const name = this.str(id, c as Raw, "name") ?? this.fail(id, "a campaign needs a name");
      const source = this.str(id, c as Raw, "source") ?? this.fail(id, `campaign "${name}" needs a source`);
      return clean({ name, by: this.str(id, c as Raw, "by"), source });
    });
  }
}

function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

const KNOWN_KEYS = new Set([
  "title", "product", "platform", "component", "requires", "fixed", "no_fix_recorded", "exploited_below", "exploited_note",
  "exploited_since", "exploited_since_source", "known_exploited", "known_exploited_source", "kev_added", "campaigns", "look_for", "sources",
]);

export interface BuildInput {
  kev: { data: Buffer; source?: string } | null;
  curated: { data: Buffer; file: string };
  /** The build date recorded in the table (YYYY-MM-DD). */
  built: string;
}

export interface BuildResult {
  table: ExposureTable;
  /** Curated entries that name a KEV flaw the catalog does not hold, and similar notes. */
  warnings: string[];
}

const sha256 = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

export function buildExposureTable(input: BuildInput): BuildResult {
  const warnings: string[] = [];
  const rd = new CuratedReader(input.curated.file);
  let doc: { entries?: Record<string, Raw> };
  try {
    doc = parseYaml(input.curated.data.toString("utf8")) as typeof doc;
  } catch (e) {
    throw new VigilError(`not valid YAML (${(e as Error).message.split("\n")[0]})`, { file: input.curated.file });
  }
  const curated = doc?.entries;
  if (!curated || typeof curated !== "object") throw new VigilError("has no 'entries' map", { file: input.curated.file });

  let kevMeta: ExposureTable["kev"] = null;
  const kev = new Map<string, KevVuln>();
  if (input.kev) {
    const src = input.kev.source ?? KEV_URL;
    let cat: { catalogVersion?: string; dateReleased?: string; vulnerabilities?: KevVuln[] };
    try {
      cat = JSON.parse(input.kev.data.toString("utf8")) as typeof cat;
    } catch (e) {
      throw new VigilError(`not valid JSON (${(e as Error).message})`, { file: src });
    }
    if (!Array.isArray(cat.vulnerabilities) || typeof cat.catalogVersion !== "string") throw new VigilError("is not the CISA KEV catalog (no catalogVersion or vulnerabilities)", { file: src });
    for (const v of cat.vulnerabilities) if (typeof v?.cveID === "string") kev.set(v.cveID, v);
    kevMeta = { catalogVersion: cat.catalogVersion, dateReleased: String(cat.dateReleased ?? ""), sha256: sha256(input.kev.data), source: src, license: KEV_LICENSE };
  }

  const entries: ExposureEntry[] = [];
  const seen = new Set<string>();
  const ids = [...new Set([...[...kev.values()].filter((v) => scopeOf(v) || curated[v.cveID]).map((v) => v.cveID), ...Object.keys(curated)])];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const c = (curated[id] ?? {}) as Raw;
    for (const k of Object.keys(c)) if (!KNOWN_KEYS.has(k)) rd.fail(id, `unknown field "${k}"`);
    const v = kev.get(id);
    const scope = v ? scopeOf(v) : undefined;
    const isCve = /^CVE-\d{4}-\d{4,}$/.test(id);
    // A curated CVE the catalog lacks (a newer flaw, or an older catalog copy) stands alone only when the curated file gives all it needs.
    if (!v && isCve && input.kev && !(c.known_exploited && c.title && c.product)) {
      warnings.push(`${id} is not in the KEV catalog and the curated file lacks its title, product or known_exploited date; skipped`);
      continue;
    }

    const fixed = Array.isArray(c.fixed) ? (c.fixed as unknown[]).map((f) => rd.fix(id, f)) : c.fixed === undefined ? undefined : rd.fail(id, "fixed must be a list");
    const platformField = rd.str(id, c, "platform", /^(ios|android)$/) as PhonePlatform | undefined;
    const fromFixes = [...new Set((fixed ?? []).map((f) => f.os))];
    const platforms: PhonePlatform[] = platformField ? [platformField] : fromFixes.length ? fromFixes : scope?.platforms ?? [];
    if (platforms.length === 0) {
      warnings.push(`${id}: not a phone or messenger flaw by its KEV product (${v ? `${v.vendorProject} ${v.product}` : "not in KEV"}) and the curated file names no platform; skipped`);
      continue;
    }
    const kind: Scope["kind"] = scope?.kind ?? (platforms.includes("ios") ? "apple" : "kernel");
    const effScope: Scope = scope ?? { platforms, product: "", kind };

    const title = rd.str(id, c, "title") ?? v?.vulnerabilityName ?? rd.fail(id, "is not in KEV, so it needs a title");
    const product = rd.str(id, c, "product") ?? scope?.product ?? rd.fail(id, "is not in KEV, so it needs a product");
    const known = rd.str(id, c, "known_exploited", DAY_RE) ?? v?.dateAdded ?? rd.fail(id, "is not in KEV, so it needs known_exploited");
    const knownSource = rd.str(id, c, "known_exploited_source") ?? (v && !c.known_exploited ? `CISA KEV, date added (catalog ${kevMeta?.catalogVersion})` : rd.fail(id, "known_exploited needs known_exploited_source"));
    const since = rd.str(id, c, "exploited_since", DATE_RE);
    const sinceSource = rd.str(id, c, "exploited_since_source");
    if (since && !sinceSource) rd.fail(id, "exploited_since needs exploited_since_source");
    const below = rd.str(id, c, "exploited_below");
    if (below && !parseIosVersion(below)) rd.fail(id, "exploited_below must be an iOS version");

    let fixes = fixed ?? (v && scope ? derivedFixes(v, scope) : []);
    // A fix read in the vendor's CVE record cites that record when it names no other source.
    fixes = fixes.map((f) => (f.verified && !f.source && isCve ? { ...f, source: CVE_RECORD + id } : f));
    const requires = (c.requires as ExposureEntry["requires"]) ?? scope?.requires;
    const lookFor = rd.str(id, c, "look_for");
    const campaigns = rd.campaigns(id, c) ?? [];
    const isUrl = (s: string | undefined): s is string => !!s && /^https?:\/\//.test(s);
    const sources = [
      ...new Set([
        ...(rd.strings(id, c, "sources") ?? []),
        ...campaigns.map((x) => x.source),
        ...[sinceSource, knownSource].filter(isUrl),
        ...(v ? urlsIn(v.notes) : []),
        ...fixes.map((f) => f.source).filter(isUrl),
      ]),
    ];
    const entry: ExposureEntry = clean({
      id,
      cve: isCve ? id : undefined,
      title,
      product,
      platforms,
      component: rd.str(id, c, "component"),
      requires,
      fixed: fixes,
      no_fix_recorded: fixes.length ? undefined : rd.str(id, c, "no_fix_recorded") ?? NO_FIX[effScope.kind],
      exploited_below: below,
      exploited_note: rd.str(id, c, "exploited_note"),
      exploited_since: since,
      exploited_since_source: sinceSource,
      known_exploited: known,
      known_exploited_source: knownSource,
      campaigns,
      look_for: lookFor ?? (v ? genericLookFor(v, effScope) : GENERIC.other),
      look_for_kind: lookFor ? "curated" : "generic",
      sources,
      kev: v ? kevFacts(v) : undefined,
      kev_added: v ? undefined : rd.str(id, c, "kev_added", DAY_RE),
      curated: Object.keys(c),
    });
    entries.push(entry);
  }
  for (const id of Object.keys(curated)) {
    if (/^CVE-/.test(id) && input.kev && !kev.has(id) && !entries.some((e) => e.id === id)) warnings.push(`${id}: curated, not in the KEV catalog, not included`);
  }
  entries.sort((a, b) => b.known_exploited.localeCompare(a.known_exploited) || a.id.localeCompare(b.id));
  return {
    table: {
      about: "Flaws exploited in the wild against phones and messengers, with the first fixed versions, the campaigns that used them and what to look for. Built by src/rules/exposure/build.ts from the CISA KEV catalog (CC0) and data/exposure/curated.yaml; see data/exposure/SOURCES.md.",
      built: input.built,
      kev: kevMeta,
      curated: { file: "data/exposure/curated.yaml", sha256: sha256(input.curated.data) },
      entries,
    },
    warnings,
  };
}

function kevFacts(v: KevVuln): KevFacts {
  return { dateAdded: v.dateAdded, vendorProject: v.vendorProject, product: v.product, vulnerabilityName: v.vulnerabilityName, shortDescription: v.shortDescription, notes: v.notes };
}
