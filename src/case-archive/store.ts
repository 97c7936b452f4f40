// The case archive: every archived case's indicator-relevant values (where and when each was
// seen) and its detections, so that new indicators can be hunted across past cases and a value
// can be looked up in all of them. No message text or other personal content is stored: only
// values a module's field names mark as indicator material (see indicators/values.ts).
// Two back-ends keep the same tables: embedded SQLite (sqlite.ts, the default) and PostgreSQL
// for a team (postgres.ts).

/** A value seen in one module field of one acquisition, with how often and when. */
export interface Sighting {
  kind: string;
  value: string;
  module: string;
  field: string;
  first_seen?: string;
  last_seen?: string;
  count: number;
}

export interface ArchivedCase {
  id: string;
  name: string;
  /** The case folder, as the machine that archived it saw it. */
  folder: string;
  created: string;
  updated: string;
}

export interface ArchivedAcquisition {
  case_id: string;
  acq: string;
  kind: string;
  input: string;
  added: string;
}

export interface ArchivedDetection {
  case_id: string;
  acq: string;
  /** "check": found by the acquisition's check; "correlation": by the case's rules. */
  source: "check" | "correlation";
  module: string;
  grade: string;
  kind: string;
  title: string;
  matched: string;
  indicator_value?: string;
  indicator_type?: string;
  ioc_set?: string;
  rule_id?: string;
  timestamp?: string;
}

/** Where an archived value was seen (a hunt's answer). */
export interface Seen {
  value_id: number;
  kind: string;
  value: string;
  case_id: string;
  case_name: string;
  folder: string;
  acq: string;
  acq_kind: string;
  module: string;
  field: string;
  first_seen?: string;
  last_seen?: string;
  count: number;
}

/** An indicator match of an archived value in one place it was seen. */
export interface Hit {
  case_id: string;
  acq: string;
  value_id: number;
  module: string;
  field: string;
  indicator_type: string;
  indicator_value: string;
  ioc_sha256: string;
  ioc_set: string;
  ioc_source: string;
  grade: string;
  /** When the match was first recorded; "check" for matches the case's own check found. */
  found: string;
}

export interface ValueRow {
  id: number;
  kind: string;
  value: string;
}

export interface CaseListing extends ArchivedCase {
  acquisitions: number;
  values: number;
  detections: number;
  hits: number;
}

/** What both back-ends do. Every method may be called in any order; writes are transactional. */
export interface CaseArchive {
  /** Where it is, for messages (a PostgreSQL password is never shown). */
  readonly location: string;
  /** Adds or updates a case. */
  putCase(c: ArchivedCase): Promise<void>;
  /**
   * Stores an acquisition with its detections, replacing what the archive held for it. Its
   * sightings follow with addSightings.
   */
  putAcquisition(a: ArchivedAcquisition, detections: ArchivedDetection[]): Promise<void>;
  /** Adds sightings of one acquisition (a batch; the same value again adds up). */
  addSightings(caseId: string, acq: string, batch: Sighting[]): Promise<void>;
  /** Replaces a case's correlated detections. */
  putCorrelations(caseId: string, detections: ArchivedDetection[]): Promise<void>;
  /** Whether an acquisition is archived. */
  hasAcquisition(caseId: string, acq: string): Promise<boolean>;
  cases(): Promise<CaseListing[]>;
  /** Where each of these values was seen: exact values, and for a domain its subdomains and URLs on it. */
  hunt(values: string[]): Promise<Seen[]>;
  /** Every distinct value (of one acquisition, when given), in batches. */
  eachValue(fn: (batch: ValueRow[]) => void, only?: { caseId: string; acq: string }): Promise<void>;
  /** Where these values were seen (of one acquisition, when given). */
  sightingsOf(valueIds: number[], only?: { caseId: string; acq: string }): Promise<Seen[]>;
  /** Records hits; returns the ones the archive did not hold yet. */
  recordHits(hits: Hit[]): Promise<Hit[]>;
  close(): Promise<void>;
}

/** Reversed labels of a host ("www.evil.com" → "com.evil.www"), so that a domain's subdomains sort right after it. */
export function reverseHost(host: string): string {
  return host.split(".").reverse().join(".");
}

/** The host a value of this kind is on, for a hunt by domain; undefined when it has none. */
export function hostOfArchived(kind: string, value: string): string | undefined {
  if (kind === "domain") return value;
  if (kind !== "url" && kind !== "text") return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const h = new URL(withScheme).hostname.toLowerCase();
    return h.endsWith(".") ? h.slice(0, -1) : h;
  } catch {
    return undefined;
  }
}

export const SCHEMA_VERSION = 1;
/** Values per batch of eachValue and per insert of the back-ends. */
export const BATCH = 5000;
