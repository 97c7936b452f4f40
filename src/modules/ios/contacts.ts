// The address book (AddressBook.sqlitedb): one record per phone number, e-mail address, URL or
// other value of a contact, as MVT lists them.
import { fromMatches } from "../../core/detection.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { asText } from "./lib/checks.ts";
import { emailOf } from "./lib/links.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ContactRecord {
  person_id: number;
  value: string;
  /** ABMultiValue property: phone, email, url, ... */
  kind: string;
  first: string | null;
  middle: string | null;
  last: string | null;
  organization: string | null;
  creation_date: string | null;
  modification_date: string | null;
}

// AddressBook property ids of ABMultiValue rows.
const KINDS: Record<number, string> = { 3: "phone", 4: "email", 5: "address", 13: "instant_message", 22: "url", 23: "related_name", 46: "social_profile" };

export default defineSqliteModule<ContactRecord>({
  name: "contacts",
  title: "Contacts",
  platform: "ios",
  description: "Phone numbers, e-mail addresses and URLs of the address book. E-mail addresses and URLs are checked against indicators (weak: a contact only shows the owner knows the address).",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/AddressBook/AddressBook.sqlitedb" }],
    fs: ["private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"],
  },
  requires: { ABPerson: ["ROWID"], ABMultiValue: ["record_id", "property", "value"] },
  *rows(db) {
    const c = (n: string) => db.optional("ABPerson", n, "p");
    const sql = `SELECT p.ROWID, mv.value, mv.property, ${c("First")}, ${c("Middle")}, ${c("Last")}, ${c("Organization")}, ${c("CreationDate")}, ${c("ModificationDate")}
      FROM ABMultiValue mv JOIN ABPerson p ON p.ROWID = mv.record_id
      WHERE mv.value IS NOT NULL ORDER BY p.ROWID`;
    for (const r of db.rows(sql)) {
      yield {
        person_id: r[0],
        value: asText(r[1]) ?? "",
        kind: KINDS[r[2]] ?? `property_${r[2]}`,
        first: asText(r[3]),
        middle: asText(r[4]),
        last: asText(r[5]),
        organization: asText(r[6]),
        creation_date: fromMacAbsolute(r[7]) ?? null,
        modification_date: fromMacAbsolute(r[8]) ?? null,
      };
    }
  },
  check(r, ctx) {
    const who = [r.first, r.last].filter(Boolean).join(" ") || r.organization || msg("det.contacts.who", { id: r.person_id });
    const out: DetectionInput[] = [];
    const email = r.kind === "email" || r.kind === "instant_message" || r.kind === "social_profile" ? emailOf(r.value) : undefined;
    if (email) {
      out.push(
        ...fromMatches(ctx.iocs.email(email), {
          grade: "weak",
          title: (m) => msg("det.contacts.email", { who, value: m.matched }),
          why: msg("det.contacts.email.why"),
        }),
      );
    }
    if (r.kind === "url") {
      out.push(
        ...fromMatches(ctx.iocs.url(r.value), {
          grade: "weak",
          title: (m) => msg("det.contacts.url", { who, value: m.matched }),
          why: msg("det.contacts.url.why"),
        }),
      );
    }
    return out;
  },
});
