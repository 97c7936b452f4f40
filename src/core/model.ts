// The result model every module, check and report writer shares.
// Field names follow MVT where an investigator's scripts would expect them.

/** "network": a traffic capture or sensor logs, which can come from either kind of phone. */
export type Platform = "ios" | "android" | "network";

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
  | "configuration_profile"
  /** TLS client fingerprints (JA3: MD5 hex; JA4: "t13d1516h2_..._..."). */
  | "ja3"
  | "ja4"
  /** SHA-1 or SHA-256 of an X.509 certificate a server presented (not an app's signing certificate). */
  | "tls_cert_hash";

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
  /**
   * For a delivery (a received message, attachment, call or group invitation): the handle it
   * came from (phone number, e-mail address, WhatsApp id) and whether the owner's contacts hold
   * it ("unknown" when no contact list could be read or the handle could not be compared).
   * Correlation rules key on these; timeline.csv keeps the description only.
   */
  sender?: string;
  sender_is_contact?: ContactFlag;
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

/** Whether a handle is one of the owner's contacts; "unknown" when that cannot be said. */
export type ContactFlag = boolean | "unknown";

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
  /** Set when the detection is an MVT alert read from MVT's results: MVT's level and message. */
  mvt?: { level: string; message: string };
  /** The results file holding the module's records (`aqf_packages.json`), when a check wrote one. */
  results_file?: string;
}

/** What a module returns for one check; the pipeline adds `module` and defaults `artifact`. */
export type DetectionInput = Omit<Detection, "module" | "artifact"> & { artifact?: string };

export type CoverageStatus = "checked" | "absent" | "failed" | "not_applicable";

export interface Coverage {
  module: string;
  title: string;
  status: CoverageStatus;
  records?: number;
  /** Records of evidence that could not be read and were left out (the module is then failed). */
  skipped?: number;
  /** For failed: the one-line reason. For absent/not_applicable: what was looked for. */
  reason?: string;
  /** `reason` as a catalog message, when Vigil wrote it (not an error's own words). */
  reason_message?: Message;
  /** Artifacts read, as paths inside the acquisition. */
  artifacts?: string[];
  /** Problems with part of the artifact that did not stop the module. */
  warnings?: string[];
  /**
   * Read in full, but part of what it holds cannot be compared with indicators by its nature (a
   * share of the traffic encrypted, a capture shorter than an hour): `reason` says what and how
   * much. A limit of the evidence, not a failure to read it: listed, never "clean", never exit 20.
   */
  limited?: boolean;
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
  /** When the acquisition was made, as it records it (UTC ISO-8601). */
  acquired?: string;
  [key: string]: unknown;
}

export interface RunInfo {
  tool: "vigil";
  version: string;
  command: string[];
  started: string;
  finished?: string;
  /** `original_kind`: for a re-check of a results folder, the kind of acquisition those results came from. */
  acquisition: { kind: string; path: string; encrypted: boolean; original_kind?: string };
  /** Set by `vigil demo`: the phone is synthetic and its traces were planted. */
  demo?: boolean;
  device?: DeviceInfo;
  inputs: InputFile[];
  iocs: { snapshot?: string; snapshot_message?: Message; sets: IocSetInfo[]; errors: string[] };
  lang?: string;
  /** Threads that ran modules (1: all in the main thread; see --jobs). */
  threads?: number;
  /** The Node.js that ran the check: version, platform, the flags node was started with and the allocator's settings. */
  runtime?: RuntimeInfo;
  /** MVT's info.json fields, beside Vigil's (report/info.ts): the input's absolute path, the start in MVT's time format, the indicator files and each input's hash. */
  target_path?: string;
  date?: string;
  ioc_files?: string[];
  hashes?: { file_path: string; sha256: string }[];
  /** The data sets the check used (indicators, exposure table, iOS releases), each with its date. */
  datasets?: DatasetInfo[];
}

/** A data set a check used, as info.json records it (see indicators/datasets.ts). */
export interface DatasetInfo {
  /** "indicators", "exposure", "ios-releases". */
  name: string;
  /** updated: by `vigil update`; bundled: shipped with Vigil; given: files named with --iocs; none: missing. */
  kind: "updated" | "bundled" | "given" | "none";
  path: string;
  source: string;
  /** Date of the data (YYYY-MM-DD), when known. */
  date?: string;
  sha256?: string;
  version?: string;
  /** Whole days between the data's date and the check. */
  age_days?: number;
  /** More than 30 days older than the check, or of unknown date (never for files given with --iocs). */
  stale: boolean;
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

/**
 * What the phone was open to, never evidence that it was attacked (README "Exposure"): an OS
 * or security patch older than the fixes for flaws spyware used, Lockdown Mode off. Each kind has
 * a title and a "what it means" in the report's catalogs (`exposure.<kind>.title` and
 * `.meaning`, filled from `params`). A new kind is one more member here and two catalog entries.
 */
export type ExposureKind =
  /** The OS is older than the newest release Vigil knows of. */
  | "outdated_os"
  /** The Android security patch level is older than the newest bulletin by more than a few months. */
  | "old_security_patch"
  /** Lockdown Mode, Apple's hardening against mercenary spyware, is off. */
  | "lockdown_off"
  /** Lockdown Mode is on: context, not a risk (level "info"). */
  | "lockdown_on"
  /** The iOS is newer than every release in Vigil's table: whether it is current cannot be said (level "info"). */
  | "os_newer_than_data"
  /** The Android patch level is newer than the newest bulletin Vigil knows of (level "info"). */
  | "patch_newer_than_data"
  /** At acquisition time the phone ran a version below the fix of a flaw exploited in the wild (rules/exploited-flaws.ts). */
  | "exploited_flaw";

export interface ExposureInput {
  kind: ExposureKind;
  /** risk: it makes an attack easier; info: context for the reader (Lockdown Mode on). */
  level: "risk" | "info";
  /** The values the catalog's text is filled with (versions, dates, months). */
  params: Record<string, string | number>;
  /** Where it was read, inside the acquisition (Info.plist, getprop.txt...). */
  artifact?: string;
  /** When the state was last recorded, when the artifact says so. */
  timestamp?: string;
  /** Set when the entry comes from another tool's results (an MVT alert): its level and words. */
  source?: { tool: "mvt"; level: string; message: string };
  /** Structured facts of the kind that do not fit `params` (a flaw's window, its sources). */
  details?: Record<string, unknown>;
}

/** An exposure entry as a module or the device information gave it, before it is put in words. */
export type ModuleExposure = ExposureInput & { module: string };

/** One exposure entry as written to exposure.json and summary.json. */
export interface Exposure extends ExposureInput {
  /** The module that read it; "device" when it comes from the acquisition's device information. */
  module: string;
  /** Plain English words (from the catalog); the report shows them in the reader's language. */
  title: string;
  what_it_means: string;
}

/**
 * An entry of alerts.json that is not a detection (MVT's INFORMATIONAL level, spelled as MVT
 * writes it): the exposure entries of
 * the check (the Lockdown Mode state among them) and MVT's informational alerts. It never counts
 * as a detection and never changes the verdict or the exit code.
 */
export interface InformationalAlert {
  module: string;
  level: "INFORMATIONAL";
  kind: "informational";
  title: string;
  why?: string;
  /** For an exposure entry: its kind. */
  exposure?: ExposureKind;
  artifact?: string;
  timestamp?: string;
  record?: unknown;
}

/**
 * traces_found: a known indicator matched with strong or medium evidence.
 * worth_a_look: only weak matches or behaviour rules.
 * too_little_to_say: nothing matched, and the artifacts a meaningful check of this kind of
 *   acquisition needs were not there or could not be read (see modules/requirements.ts).
 * no_known_traces: nothing matched in what could be checked (never called "clean").
 */
export type Verdict = "traces_found" | "worth_a_look" | "too_little_to_say" | "no_known_traces";

/** One thing a meaningful check of this kind of acquisition needs and did not get. */
export interface MissingNeed {
  /** Catalog key part: `need.<need>` names it for the reader. */
  need: string;
  /** Plain English words (from the catalog). */
  what: string;
  /** The modules any one of which, checked, would have met the need. */
  modules: string[];
  /** Values the catalog's text is filled with (how many artifacts were checked, of how many needed). */
  params?: Record<string, number>;
}

export interface Summary {
  verdict: Verdict;
  /** Some artifacts were found but could not be read (coverage "failed"). */
  incomplete: boolean;
  detections: Record<Grade, number>;
  /** Modules per coverage status, as the report's "What was checked" counts them. */
  coverage: Record<CoverageStatus, number>;
  /**
   * What a meaningful check of this acquisition kind needs and did not get, and how to get more
   * (empty, and no advice, when enough was checked or the kind has no requirement).
   */
  missing: MissingNeed[];
  /** How to get an acquisition that holds more (`id`: catalog key part `advice.<id>`; `text`: English). */
  advice?: { id: string; text: string };
  /** What the phone was open to; never counted in the verdict or the exit code. */
  exposure: Exposure[];
  /** First and last day of the timeline's events (placeholder dates before 2007 left out). */
  span?: { from: string; to: string };
  notChecked: { module: string; title: string; status: CoverageStatus; reason?: string; reason_message?: Message }[];
  /** What the evidence, read in full, could not show (coverage entries marked `limited`). */
  limits?: { module: string; title: string; reason?: string; reason_message?: Message }[];
  exitCode: number;
  outputDir?: string;
}

/** Exit codes, documented in the README. */
export const EXIT = {
  nothingFound: 0,
  error: 1,
  usage: 2,
  detections: 10,
  /** Nothing found, but some artifacts could not be read or too little could be checked to say. */
  incomplete: 20,
} as const;
