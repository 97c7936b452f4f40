// Which network source a file is, from its name: a packet capture, a Zeek log, Suricata's
// eve.json, PCAPdroid's CSV or the iPhone App Privacy Report. The globs are what the network
// modules declare they read.
import { zeekLogOf } from "./zeek.ts";

export type SourceKind = "capture" | "zeek" | "eve" | "pcapdroid" | "apr";

export const CAPTURES = ["**/*.pcap", "**/*.pcapng", "**/*.cap", "**/*.pcap.gz", "**/*.pcapng.gz", "**/*.cap.gz"];
export const zeekLogs = (...logs: string[]) => logs.flatMap((l) => [`**/${l}.log`, `**/${l}.*.log`, `**/${l}.log.gz`, `**/${l}.*.log.gz`]);
export const EVE = ["**/eve.json", "**/eve.*.json", "**/eve.json.gz", "**/eve-*.json"];
export const PCAPDROID = ["**/*.csv"];
export const APP_PRIVACY_REPORT = ["**/App_Privacy_Report*.ndjson", "**/App_Privacy_Report*.json"];
export const EVERY_SOURCE = [...CAPTURES, ...zeekLogs("dns", "ssl", "x509", "http", "conn", "quic"), ...EVE, ...PCAPDROID, ...APP_PRIVACY_REPORT];

export function sourceKind(path: string): SourceKind | null {
  const name = path.replace(/^.*\//, "");
  if (/\.(pcap|pcapng|cap)(\.gz)?$/i.test(name)) return "capture";
  if (zeekLogOf(name)) return "zeek";
  if (/^eve([.-].*)?\.json(\.gz)?$/i.test(name)) return "eve";
  if (/^App_Privacy_Report.*\.(nd)?json$/i.test(name)) return "apr";
  if (/\.csv$/i.test(name)) return "pcapdroid";
  return null;
}
