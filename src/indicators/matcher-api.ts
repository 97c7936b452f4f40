// What modules may ask of the loaded indicators. Implemented in ./matcher.ts.
import type { IndicatorMatch, IocSetInfo, IndicatorKind } from "../core/model.ts";

export interface Matcher {
  readonly sets: IocSetInfo[];
  /** Number of indicators of each kind, over all sets. */
  count(kind?: IndicatorKind): number;

  /**
   * A host: exact or any parent domain that is an indicator; case-insensitive; a port and a
   * trailing dot are ignored. IP literals are checked as ip(), a whole URL as url().
   */
  domain(host: string): IndicatorMatch[];
  /**
   * A URL: the normalized URL against URL indicators, and its host against domain and IP
   * indicators. Accepts scheme-less "evil.com/path" too. Never throws on junk.
   */
  url(url: string): IndicatorMatch[];
  /** Every URL found in free text (messages, notes), each checked as url(). */
  urlsInText(text: string): IndicatorMatch[];
  /**
   * IPv4 or IPv6: equal to an address indicator or inside a range one (CIDR); brackets, a
   * leading "/" (Android) and a port are accepted.
   */
  ip(ip: string): IndicatorMatch[];
  /** Case-insensitive; "mailto:" and "Name <address>" forms are accepted. */
  email(address: string): IndicatorMatch[];
  /**
   * A process name. Exact match; and when `maybeTruncated` (iOS cuts names at 15/16 chars),
   * a name of that length that is a prefix of an indicator matches with `truncated: true`.
   * A full executable path is matched by its last component.
   */
  process(name: string, opts?: { maybeTruncated?: boolean }): IndicatorMatch[];
  /** A path: matches an indicator path equal to it or a parent of it, by whole components. */
  filePath(path: string): IndicatorMatch[];
  fileName(name: string): IndicatorMatch[];
  /** SHA-256, SHA-1 or MD5 (by length), case-insensitive. */
  hash(hex: string): IndicatorMatch[];
  appId(id: string): IndicatorMatch[];
  appCertHash(hex: string): IndicatorMatch[];
  androidProperty(name: string): IndicatorMatch[];
  configurationProfile(id: string): IndicatorMatch[];
  /** A TLS client's JA3 fingerprint (MD5 hex), case-insensitive. */
  ja3(hash: string): IndicatorMatch[];
  /** A TLS or QUIC client's JA4 fingerprint, case-insensitive. */
  ja4(fingerprint: string): IndicatorMatch[];
  /** SHA-1 or SHA-256 of a certificate a server presented, with or without ":" separators. */
  tlsCertHash(hex: string): IndicatorMatch[];
}
