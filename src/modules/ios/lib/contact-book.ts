// Whether a handle (a phone number in any spelling, an e-mail address, a WhatsApp JID or LID)
// is one of the owner's contacts: the delivery heuristics (missed calls, group invitations,
// attachments) only mean something when the sender is a stranger. Contacts come from the
// address book (AddressBook.sqlitedb) and from WhatsApp's copy of it (ContactsV2.sqlite);
// WhatsApp LIDs are turned into phone numbers with the LID-phone pairs. Read on a best-effort
// basis by modules whose own artifact is another file: what cannot be read makes answers
// "unknown", never "not a contact".
import type { FileEntry } from "../../../acquisitions/view.ts";
import type { ContactFlag } from "../../../core/model.ts";
import { describeError } from "../../../core/errors.ts";
import type { ModuleContext } from "../../contract.ts";
import { withSqlite, type SqliteDb } from "../../lib/sqlite.ts";
import { asText } from "./checks.ts";
import { jidUser, loadWhatsappIdentities, whatsappFile, type WhatsappIdentities } from "./whatsapp.ts";

const ADDRESS_BOOK = {
  backup: [{ domain: "HomeDomain", path: "Library/AddressBook/AddressBook.sqlitedb" }],
  fs: ["private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"],
};
// ABMultiValue properties: 3 phone number, 4 e-mail address.
const AB_PHONE = 3;
const AB_EMAIL = 4;

/**
 * Numbers are compared on their last digits: the address book keeps "(919) 888-7386" where
 * WhatsApp writes 19198887386. Two numbers are the same when one ends with the other and the
 * shorter has at least this many digits (shorter ones, service codes, must be equal).
 */
const MIN_SUFFIX_DIGITS = 7;

export interface ContactBook {
  /** What could be read: "address book", "WhatsApp contacts". Empty: every answer is "unknown". */
  readonly sources: string[];
  isContact(handle: string | null | undefined): ContactFlag;
  /** The contact's name, when the handle is a contact. */
  nameOf(handle: string | null | undefined): string | null;
  /** "+digits" for a phone number, a phone JID or a resolved LID; null otherwise. */
  phoneOf(handle: string | null | undefined): string | null;
}

interface Person {
  name: string | null;
}

class Book implements ContactBook {
  readonly sources: string[] = [];
  /** Last MIN_SUFFIX_DIGITS digits → full digit strings and who they belong to. */
  private readonly phones = new Map<string, { digits: string; person: Person }[]>();
  private readonly emails = new Map<string, Person>();
  private readonly lids = new Map<string, Person>();
  private addressBook = false;
  ids?: WhatsappIdentities;

  addPhone(raw: string | null, person: Person): void {
    const digits = phoneDigits(raw);
    if (!digits) return;
    const key = digits.slice(-MIN_SUFFIX_DIGITS);
    const list = this.phones.get(key);
    if (list) list.push({ digits, person });
    else this.phones.set(key, [{ digits, person }]);
  }
  addEmail(raw: string | null, person: Person): void {
    const e = raw?.trim().toLowerCase();
    if (e && e.includes("@")) this.emails.set(e, person);
  }
  addLid(raw: string | null, person: Person): void {
    const l = jidUser(raw);
    if (l) this.lids.set(l, person);
  }
  markAddressBook(): void {
    this.addressBook = true;
    this.sources.push("address book");
  }

  private findPhone(digits: string): Person | undefined {
    if (!digits) return undefined;
    for (const c of this.phones.get(digits.slice(-MIN_SUFFIX_DIGITS)) ?? []) {
      const [short, long] = c.digits.length <= digits.length ? [c.digits, digits] : [digits, c.digits];
      if (short === long || (short.length >= MIN_SUFFIX_DIGITS && long.endsWith(short))) return c.person;
    }
    return undefined;
  }

  private lookup(handle: string | null | undefined): Person | null | "unknown" {
    const h = handle?.trim();
    if (!h || this.sources.length === 0) return "unknown";
    const at = h.indexOf("@");
    if (h.endsWith("@lid")) {
      const direct = this.lids.get(jidUser(h));
      if (direct) return direct;
      const phone = this.ids?.resolve(h).phone;
      // A LID that cannot be tied to a number says nothing either way.
      return phone ? (this.findPhone(phoneDigits(phone)) ?? null) : "unknown";
    }
    if (h.endsWith("@g.us") || h.endsWith("@broadcast") || h.endsWith("@newsletter")) return "unknown";
    if (at > 0 && !h.endsWith("@s.whatsapp.net") && !h.endsWith("@c.us")) {
      // An e-mail handle (iMessage, FaceTime): only the address book keeps e-mail addresses.
      if (!this.addressBook) return "unknown";
      return this.emails.get(h.toLowerCase()) ?? null;
    }
    const digits = phoneDigits(jidUser(h));
    // WhatsApp's own system account and empty numbers are nobody's contact.
    if (!digits) return "unknown";
    return this.findPhone(digits) ?? null;
  }

  isContact(handle: string | null | undefined): ContactFlag {
    const p = this.lookup(handle);
    return p === "unknown" ? "unknown" : p !== null;
  }
  nameOf(handle: string | null | undefined): string | null {
    const p = this.lookup(handle);
    return p && p !== "unknown" ? p.name : null;
  }
  phoneOf(handle: string | null | undefined): string | null {
    const h = handle?.trim();
    if (!h) return null;
    if (h.endsWith("@lid")) return this.ids?.resolve(h).phone ?? null;
    if (h.includes("@") && !h.endsWith("@s.whatsapp.net") && !h.endsWith("@c.us")) return null;
    const digits = jidUser(h);
    return digits && !/^0+$/.test(digits) ? `+${digits}` : null;
  }
}

/**
 * The digits of a phone number without the leading zeros of a trunk or international prefix
 * ("06 12…" and "0033 6 12…" both end as "612…", a suffix of WhatsApp's "33612…").
 */
function phoneDigits(raw: string | null | undefined): string {
  return (raw ?? "").replace(/\D/g, "").replace(/^0+/, "");
}

/** Reads one optional database of the acquisition; a failure is a coverage warning. */
async function eachOptional(ctx: ModuleContext, spec: Parameters<ModuleContext["view"]["find"]>[0], what: string, read: (db: SqliteDb) => void): Promise<boolean> {
  let files: FileEntry[] = [];
  try {
    files = await ctx.view.find(spec);
  } catch (e) {
    ctx.warn(`${what} not searchable: ${describeError(e)}`);
    return false;
  }
  let ok = false;
  for (const f of files) {
    try {
      await withSqlite(ctx, f, read);
      ok = true;
    } catch (e) {
      ctx.warn(`${what} unreadable, contacts from it unknown: ${describeError(e)}`);
    }
  }
  return ok;
}

/**
 * The owner's contacts as far as the acquisition keeps them. `whatsapp` also reads WhatsApp's
 * contact list and LID pairs (`chat`: an open ChatStorage.sqlite, which holds the pairs in older
 * WhatsApp versions).
 */
export async function loadContactBook(ctx: ModuleContext, opts: { whatsapp?: boolean; chat?: SqliteDb } = {}): Promise<ContactBook> {
  const book = new Book();
  const ab = await eachOptional(ctx, ADDRESS_BOOK, "AddressBook.sqlitedb", (db) => {
    if (!db.has("ABMultiValue")) throw new Error("no ABMultiValue table");
    const person = db.has("ABPerson", "ROWID");
    const c = (n: string) => (person ? db.optional("ABPerson", n, "p") : "NULL");
    const sql = `SELECT mv.property, mv.value, ${c("First")}, ${c("Last")}, ${c("Organization")} FROM ABMultiValue mv
      ${person ? "LEFT JOIN ABPerson p ON p.ROWID = mv.record_id" : ""} WHERE mv.property IN (${AB_PHONE}, ${AB_EMAIL})`;
    for (const [prop, value, first, last, org] of db.rows<unknown[]>(sql)) {
      const name = [asText(first), asText(last)].filter(Boolean).join(" ") || asText(org);
      if (prop === AB_PHONE) book.addPhone(asText(value), { name });
      else book.addEmail(asText(value), { name });
    }
  });
  if (ab) book.markAddressBook();
  if (opts.whatsapp) {
    const wa = await eachOptional(ctx, whatsappFile("ContactsV2.sqlite"), "WhatsApp ContactsV2.sqlite", (db) => {
      if (!db.has("ZWAADDRESSBOOKCONTACT")) throw new Error("no ZWAADDRESSBOOKCONTACT table");
      const c = (n: string) => db.optional("ZWAADDRESSBOOKCONTACT", n);
      const sql = `SELECT ${c("ZWHATSAPPID")}, ${c("ZPHONENUMBER")}, ${c("ZLID")}, ${c("ZFULLNAME")} FROM ZWAADDRESSBOOKCONTACT`;
      for (const [waid, phone, lid, name] of db.rows<unknown[]>(sql)) {
        const person = { name: asText(name) };
        book.addPhone(jidUser(asText(waid)) || asText(phone), person);
        if (asText(phone)) book.addPhone(asText(phone), person);
        book.addLid(asText(lid), person);
      }
    });
    if (wa) book.sources.push("WhatsApp contacts");
    book.ids = await loadWhatsappIdentities(ctx, opts.chat);
  }
  return book;
}
