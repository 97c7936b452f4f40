// The accounts set up on the phone (Accounts3.sqlite): iCloud, mail, Game Center... A spyware
// operator's account among them was signed in by someone with the phone or its Apple ID.
import { fromMatches } from "../../core/detection.ts";
import { msg } from "../../core/i18n/index.ts";
import { fromMacAbsolute } from "../../core/time.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { emailOf } from "./lib/links.ts";

export interface AccountRecord {
  isodate: string | null;
  account_type: string | null;
  username: string | null;
  description: string | null;
  owning_bundle_id: string | null;
}

export default defineSqliteModule<AccountRecord>({
  name: "accounts",
  title: "Accounts",
  platform: "ios",
  description: "Accounts set up on the phone (Accounts3.sqlite), with their type and user name. User names are checked against e-mail indicators.",
  reads: {
    backup: [{ domain: "HomeDomain", path: "Library/Accounts/Accounts3.sqlite" }],
    fs: ["private/var/mobile/Library/Accounts/Accounts3.sqlite"],
  },
  requires: { ZACCOUNT: ["ZACCOUNTTYPE"], ZACCOUNTTYPE: ["Z_PK", "ZACCOUNTTYPEDESCRIPTION"] },
  *rows(db) {
    const a = (column: string) => db.optional("ZACCOUNT", column, "a");
    const sql = `SELECT ${a("ZDATE")}, t.ZACCOUNTTYPEDESCRIPTION, ${a("ZUSERNAME")}, ${a("ZACCOUNTDESCRIPTION")}, ${a("ZOWNINGBUNDLEID")}
      FROM ZACCOUNT a LEFT JOIN ZACCOUNTTYPE t ON t.Z_PK = a.ZACCOUNTTYPE ORDER BY a.rowid`;
    for (const [date, type, username, description, bundle] of db.rows(sql)) {
      yield { isodate: fromMacAbsolute(date) ?? null, account_type: type, username, description, owning_bundle_id: bundle };
    }
  },
  events: (r) => (r.isodate ? [{ timestamp: r.isodate, event: "account", description: `${r.account_type ?? "Account"}: ${r.username ?? r.description ?? "no user name"}` }] : []),
  check(r, ctx) {
    const email = emailOf(r.username);
    if (!email) return [];
    const why = msg("det.accounts.operator.why");
    return fromMatches(ctx.iocs.email(email), { grade: "strong", title: (m) => msg("det.accounts.operator", { value: m.matched }), why, timestamp: r.isodate ?? undefined });
  },
});
