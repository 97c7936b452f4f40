// The result model every module, check and report writer shares.
// Field names follow MVT where an investigator's scripts would expect them.

export type Platform = "ios" | "android";

/**
 * How strong a piece of evidence is. Documented for users in the README ("Grades").
 * - strong: a known indicator in an artifact that records execution or presence on the device
 *   (a process that ran, an installed app or profile, a file that exists).
 * - medium: a known indicator the device reached or was sent (a visited URL, a DNS lookup,
 *   a connection), or a heuristic that rarely fires on clean phones.
 * - weak: an indicator only mentioned (a domain inside message text, a truncated process name),
 *   or a heuristic worth an expert's look that also fires on some clean phones.
 */
export type Grade = "strong" | "medium" | "weak";
export const GRADES: readonly Grade[] = ["strong", "medium", "weak"];

export type IndicatorKind =
  | "domain"
  | "ipv4"
  | "ipv6"
  | "url"
  | "email"
  | "process"
  | "file_name"
  | "file_path"
  | "sha256"
  | "sha1"
  | "md5"
  | "app_id"
  | "app_cert_hash"
  | "android_property"
  | "configuration_profile";

/** One IOC set as loaded: what it is, where it came from, and how to re-check it later. */
export interface IocSetInfo {
  /** Malware name when the file says which malware its indicators indicate, else the file name. */
  name: string;
  /** Path or URL the set was read from. */
  source: string;
  /** File name inside the snapshot or folder. */
  file: string;
  sha256: string;
  loadedAt: string;
  /** From the mvt-indicators index when the set came through it. */
  indexName?: string;
  references?: string[];
  license?: string;
  counts: Partial<Record<IndicatorKind, number>>;
}

export interface IndicatorRef {
  value: string;
  type: IndicatorKind;
  /** STIX object id, when the indicator came from STIX. */
  id?: string;
  set: IocSetInfo;
}

export interface IndicatorMatch {
  indicator: IndicatorRef;
  /** The value from the artifact that matched (the host of a URL, the full path, ...). */
  matched: string;
  /** The artifact value was a truncated process name that is a prefix of the indicator. */
  truncated?: boolean;
}

export interface TimelineEvent {
  /** UTC ISO-8601 with milliseconds. */
  timestamp: string;
  module: string;
  /** Short machine-friendly kind: "sms_received", "visit", "process_usage", ... */
  event: string;
  /** One line, plain words. */
  description: string;
  /** Set by the pipeline when a detection points to this record. */
  detected?: boolean;
}

/**
 * A sentence from Vigil's catalogs (src/core/i18n): its id and parameters. Parameters taken from
 * the evidence are plain strings and numbers, shown as they are; a parameter that is itself a
 * message is a word Vigil chooses, rendered in the reader's language; a list is rendered item by
 * item and joined with ", ".
 */
export interface Message {
  id: string;
  params?: MessageParams;
}
export type MessageParams = Record<string, string | number | Message | (string | Message)[]>;

export interface Detection {
  module: string;
  grade: Grade;
  /** indicator: matched an IOC; heuristic: a rule about known spyware behaviour. */
  kind: "indicator" | "heuristic";
  /** Plain words: what was found. */
  title: string;
  /** Plain words: why it matters. */
  why?: string;
  /**
   * `title`, `why` and the rule's description as catalog messages: the report and the terminal
   * render them in the reader's language; `title`, `why` and `rule.description` hold their
   * English text (for JSON readers and MVT's).
   */
  message?: { title: Message; why?: Message; rule?: Message };
  /** The value from the artifact that matched or triggered the rule. */
  matched: string;
  matched_indicator?: {
    value: string;
    type: IndicatorKind;
    id?: string;
    /** Set name and its source, as MVT writes `name` and `stix2_file_name`. */
    name: string;
    stix2_file_name: string;
    source: string;
    sha256: string;
    /** Other IOC sets that hold the same indicator. */
    also_in?: string[];
  };
  rule?: { id: string; description: string };
  /** Path of the artifact inside the acquisition (backup domain path, or filesystem path). */
  artifact: string;
  timestamp?: string;
  /** The record that produced the detection, as written to the module's JSON. */
  record?: unknown;
}

/** What a module returns for one check; the pipeline adds `module` and defaults `artifact`. */
export type DetectionInput = Omit<Detection, "module" | "artifact"> & { artifact?: string };

export type CoverageStatus = "checked" | "absent" | "failed" | "not_applicable";

export interface Coverage {
  module: string;
  title: string;
  status: CoverageStatus;
  records?: number;
  /** For failed: the one-line reason. For absent/not_applicable: what was looked for. */
  reason?: string;
  /** `reason` as a catalog message, when Vigil wrote it (not an error's own words). */
  reason_message?: Message;
  /** Artifacts read, as paths inside the acquisition. */
  artifacts?: string[];
  /** Problems with part of the artifact that did not stop the module. */
  warnings?: string[];
  /** Number of detections this module produced. */
  detections?: number;
}

export interface InputFile {
  path: string;
  /** "" when the file could not be hashed (see error). */
  sha256: string;
  size: number;
  /**
   * Set when the file was read but could not be hashed afterwards (it vanished or became
   * unreadable during the check): what was found in it cannot be tied to known bytes.
   */
  error?: string;
}

export interface DeviceInfo {
  platform: Platform;
  model?: string;
  name?: string;
  osVersion?: string;
  build?: string;
  serial?: string;
  identifier?: string;
  /** Newest OS version in Vigil's release table, when the device's is older. */
  newerOsAvailable?: string;
  /** Security patch level (Android). */
  patchLevel?: string;
  [key: string]: unknown;
}

export interface RunInfo {
  tool: "vigil";
  version: string;
  command: string[];
  started: string;
  finished?: string;
  acquisition: { kind: string; path: string; encrypted: boolean };
  /** Set by `vigil demo`: the phone is synthetic and its traces were planted. */
  demo?: boolean;
  device?: DeviceInfo;
  inputs: InputFile[];
  iocs: { snapshot?: string; sets: IocSetInfo[]; errors: string[] };
  lang?: string;
  /** Threads that ran modules (1: all in the main thread; see --jobs). */
  threads?: number;
  /** The Node.js that ran the check: version, platform, the flags node was started with and the allocator's settings. */
  runtime?: RuntimeInfo;
}

/** The Node.js that ran a check, as info.json records it. */
export interface RuntimeInfo {
  node: string;
  platform: string;
  arch: string;
  nodeFlags: string[];
  /** Memory allocator settings from the environment (bin/vigil.js sets glibc's thresholds). */
  mallocEnv?: Record<string, string>;
}

export type Verdict = "traces_found" | "worth_a_look" | "no_known_traces";

export interface Summary {
  verdict: Verdict;
  incomplete: boolean;
  detections: Record<Grade, number>;
  notChecked: { module: string; title: string; status: CoverageStatus; reason?: string; reason_message?: Message }[];
  exitCode: number;
  outputDir?: string;
}

/** Exit codes, documented in the README. */
export const EXIT = {
  nothingFound: 0,
  error: 1,
  usage: 2,
  detections: 10,
  incomplete: 20,
} as const;
