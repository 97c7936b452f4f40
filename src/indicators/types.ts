// What the loaders produce and the matcher consumes.
import type { IndicatorKind, IocSetInfo } from "../core/model.ts";

export interface Indicator {
  type: IndicatorKind;
  /** As written in the file (after refanging), for reports. */
  value: string;
  /** STIX indicator object id, when the indicator came from STIX. */
  id?: string;
  /** Canonical key (normalize.ts), when the loader already computed it while validating. */
  key?: string;
}

export interface LoadedSet {
  info: IocSetInfo;
  indicators: Indicator[];
}

/** One thing a loader could not use. Never fatal: the other indicators and files still load. */
export interface LoadProblem {
  file: string;
  /** STIX object id, line number ("line 12") or index entry name. */
  id?: string;
  reason: string;
  /** error: meant to be indicators but broken; skipped: a file Vigil does not read as indicators. */
  level: "error" | "skipped";
}

export const INDICATOR_KINDS: readonly IndicatorKind[] = [
  "domain",
  "ipv4",
  "ipv6",
  "url",
  "email",
  "process",
  "file_name",
  "file_path",
  "sha256",
  "sha1",
  "md5",
  "app_id",
  "app_cert_hash",
  "android_property",
  "configuration_profile",
  "ja3",
  "ja4",
  "tls_cert_hash",
];
