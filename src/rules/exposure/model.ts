// The exposure table: flaws exploited in the wild against phones and messengers, with the first
// fixed versions and the campaigns that used them (data/exposure/exploited.json, built by
// build.ts from CISA's KEV catalog and data/exposure/curated.yaml). Every field says where it
// comes from, so a reader can tell the catalog's facts from the project's curation.

export type PhonePlatform = "ios" | "android";

/** Fixed in an iOS/iPadOS release (or a Rapid Security Response on top of one). */
export interface IosFix {
  os: "ios";
  /** "16.5.1": the fix holds for this version and later ones of the same major version. */
  version: string;
  /** Fixed only in iPadOS at this version (iPhones of that major got no such release). */
  ipad_only?: boolean;
  /** Rapid Security Response letter on top of `version` ("a", "c"). */
  rsr?: string;
  /** Build number of the fixed release, when known ("20F75"). */
  build?: string;
  verified: boolean;
  source?: string;
  note?: string;
}

/** Fixed by an Android security patch level (ro.build.version.security_patch). */
export interface AndroidFix {
  os: "android";
  /** YYYY-MM-DD: a device reporting this level or later has the fix. */
  patch_level: string;
  /** Only this maker's firmware carries the fix at this level (Samsung SMR, Pixel bulletin). */
  vendor?: "samsung" | "google";
  verified: boolean;
  /** Set when the level was derived (from a bulletin link) rather than read. */
  derived?: string;
  source?: string;
  note?: string;
}

/** Fixed in a messaging app release. */
export interface AppFix {
  app: "whatsapp";
  os: PhonePlatform;
  edition?: "business";
  version: string;
  /** The first affected version, when the vendor names one. */
  affected_from?: string;
  verified: boolean;
  source?: string;
  note?: string;
}

export type Fix = IosFix | AndroidFix | AppFix;

export interface Campaign {
  name: string;
  by?: string;
  source: string;
}

/** The CISA KEV fields kept for an entry (CC0), as the catalog gives them. */
export interface KevFacts {
  dateAdded: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  shortDescription: string;
  notes: string;
}

export interface ExposureEntry {
  /** The CVE, or a stable name for a flaw published without one ("KISMET-2020"). */
  id: string;
  cve?: string;
  title: string;
  product: string;
  platforms: PhonePlatform[];
  component?: string;
  /** The entry applies only to phones of this maker or with this component. */
  requires?: { manufacturer?: "samsung" | "google"; component?: "qualcomm" | "mali" | "mediatek" };
  /** Empty when no fixed version was recorded (see no_fix_recorded). */
  fixed: Fix[];
  no_fix_recorded?: string;
  /** The vendor says exploitation was seen against versions below this one. */
  exploited_below?: string;
  exploited_note?: string;
  /** Earliest documented use in the wild (YYYY, YYYY-MM or YYYY-MM-DD). */
  exploited_since?: string;
  exploited_since_source?: string;
  /** First public word that the flaw was exploited (YYYY-MM-DD). */
  known_exploited: string;
  known_exploited_source: string;
  campaigns: Campaign[];
  look_for: string;
  /** "curated" (written for this flaw) or "generic" (a hint for its kind of component). */
  look_for_kind: "curated" | "generic";
  sources: string[];
  kev?: KevFacts;
  /** KEV date for a flaw added after the bundled catalog copy (from the CVE record's CISA container). */
  kev_added?: string;
  /** The entry's fields that data/exposure/curated.yaml set (the rest come from KEV). */
  curated: string[];
}

export interface ExposureTable {
  about: string;
  built: string;
  kev: { catalogVersion: string; dateReleased: string; sha256: string; source: string; license: string } | null;
  curated: { file: string; sha256: string };
  entries: ExposureEntry[];
}
