// The IDS status cache (idstatuscache.plist): every handle (phone number, e-mail address) the
// phone looked up for iMessage/FaceTime, with the lookup date. Pegasus's iMessage exploits left
// lookups of the operators' Apple ID accounts here.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { parsePlist, type PlistValue } from "../../formats/plist.ts";
import { fromDate, fromMacAbsolute } from "../../core/time.ts";
import { emailOf } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";

export interface IdStatusCacheRecord {
  /** The IDS service that did the lookup ("com.apple.madrid" is iMessage). */
  package: string;
  /** The handle, with NUL bytes written as "\x00" (as MVT writes them). */
  user: string;
  isodate: string | null;
  idstatus: number | null;
  /** How many entries (across services) have the same handle. */
  occurrences: number;
  /** Number of NUL bytes the raw handle held. */
  nul_bytes: number;
  /** Path of the plist inside the acquisition (there can be two on a filesystem dump). */
  source: string;
}

export const NUL_RULE = codeRule("idstatuscache-nul-handle");

function isDict(v: unknown): v is Record<string, PlistValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date);
}

function lookupDate(v: PlistValue | undefined): string | undefined {
  if (v instanceof Date) return fromDate(v);
  if (typeof v === "number" || typeof v === "bigint") return fromMacAbsolute(v);
  return undefined;
}

export default defineModule<IdStatusCacheRecord>({
  name: "idstatuscache",
  title: "iMessage/FaceTime lookups (IDS status cache)",
  platform: "ios",
  description:
    "Handles the phone looked up for iMessage and FaceTime, with dates. E-mail handles are checked against e-mail indicators (medium: the phone was in contact with that account); handles with NUL bytes are flagged.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Preferences/com.apple.identityservices.idstatuscache.plist" }],
    fs: [
      "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
      "private/var/mobile/Library/IdentityServices/idstatuscache.plist",
    ],
  },
  async *records(ctx) {
    for (const file of ctx.files) {
      const root = parsePlist(await ctx.view.readFile(file), file.path);
      if (!isDict(root)) throw new VigilError("unexpected content: the plist is not a dictionary of services", { file: file.path, code: "plist" });
      const entries: IdStatusCacheRecord[] = [];
      const counts = new Map<string, number>();
      for (const [pkg, handles] of Object.entries(root)) {
        if (!isDict(handles)) continue;
        for (const [raw, info] of Object.entries(handles)) {
          if (!isDict(info)) continue;
          if (!("LookupDate" in info) && !("IDStatus" in info)) continue;
          const nul = raw.split("\u0000").length - 1;
          const user = nul ? raw.replaceAll("\u0000", "\\x00") : raw;
          counts.set(user, (counts.get(user) ?? 0) + 1);
          entries.push({
            package: pkg,
            user,
            isodate: lookupDate(info.LookupDate) ?? null,
            idstatus: typeof info.IDStatus === "number" ? info.IDStatus : null,
            occurrences: 0,
            nul_bytes: nul,
            source: file.path,
          });
        }
      }
      for (const e of entries) {
        e.occurrences = counts.get(e.user) ?? 1;
        yield e;
      }
    }
  },
  events(r) {
    if (!r.isodate) return [];
    return [{ timestamp: r.isodate, event: "lookup", description: `Lookup of ${r.user} within ${r.package} (status ${r.idstatus ?? "?"})` }];
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const ts = r.isodate ?? undefined;
    if (r.user.toLowerCase().startsWith("mailto:")) {
      const email = emailOf(r.user.replaceAll("\\x00", ""));
      if (email) {
        out.push(
          ...fromMatches(ctx.iocs.email(email), {
            grade: "medium",
            title: (m) => msg("det.idstatuscache.account", { service: r.package === "com.apple.madrid" ? "iMessage" : r.package, value: m.matched }),
            why: msg("det.idstatuscache.account.why"),
            timestamp: ts,
            artifact: r.source,
          }),
        );
      }
    }
    if (r.nul_bytes > 0) {
      const double = r.user.includes("\\x00\\x00");
      out.push(
        heuristic({
          rule: NUL_RULE.id,
          ruleDescription: NUL_RULE.description,
          grade: double ? "medium" : "weak",
          title: msg(double ? "det.idstatuscache.nul_repeated" : "det.idstatuscache.nul", { value: r.user }),
          why: msg("det.idstatuscache.nul.why"),
          matched: r.user,
          timestamp: ts,
          artifact: r.source,
        }),
      );
    }
    return out;
  },
});
