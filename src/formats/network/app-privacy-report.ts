// The iPhone App Privacy Report (Settings > Privacy & Security > App Privacy Report > Save):
// one JSON object a line. "networkActivity" entries say which app contacted which domain, how
// often and when; "access" entries say when an app used the camera, microphone, location...
import { isoTime, jsonLines, scalarText, type JsonObject } from "./json-lines.ts";
import type { NetSink } from "./records.ts";

type Obj = JsonObject;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const time = isoTime;

export async function readAppPrivacyReport(lines: AsyncIterable<string>, file: string, emit: NetSink, problem: (msg: string) => void): Promise<number> {
  let n = 0;
  for await (const { e, timestamp } of jsonLines(lines, file, "timeStamp", problem)) {
    if (e.type === "networkActivity") {
      n++;
      emit({
        kind: "app_activity",
        r: {
          timestamp,
          file,
          source: "app_privacy_report",
          kind: "network",
          bundle_id: str(e.bundleID),
          domain: str(e.domain)?.toLowerCase(),
          domain_owner: str(e.domainOwner),
          domain_type: scalarText(e.domainType),
          context: str(e.context),
          hits: typeof e.hits === "number" ? e.hits : undefined,
          first_timestamp: time(e.firstTimeStamp),
        },
      });
    } else if (e.type === "access") {
      n++;
      const accessor = (e.accessor ?? {}) as Obj;
      emit({ kind: "app_activity", r: { timestamp, file, source: "app_privacy_report", kind: "access", bundle_id: str(accessor.identifier), category: str(e.category), access_kind: str(e.kind) } });
    }
  }
  return n;
}
