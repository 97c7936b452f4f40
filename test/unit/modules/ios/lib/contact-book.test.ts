import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { loadContactBook } from "../../../../../src/modules/ios/lib/contact-book.ts";
import type { ModuleContext } from "../../../../../src/modules/contract.ts";
import { memoryView, type MemoryFile } from "../../../../../src/acquisitions/memory.ts";
import { bareContext } from "../../../../helpers/module-context.ts";
import { WA_DOMAIN, addressBookDb, contactsV2Db } from "../../../../helpers/messaging-fixtures.ts";

function ctxFor(files: MemoryFile[]): { ctx: ModuleContext; warnings: string[] } {
  const warnings: string[] = [];
  const view = memoryView({ kind: "ios_backup", platform: "ios", files });
  const ctx = bareContext(view, { warn: (m) => warnings.push(m) });
  return { ctx, warnings };
}

function lidDb(pairs: [string, string][]): Buffer {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTIMESTAMP TIMESTAMP, ZLID VARCHAR, ZPHONENUMBER VARCHAR)");
  for (const [lid, phone] of pairs) db.prepare("INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER) VALUES (?,?)").run(lid, phone);
  const b = db.serialize();
  db.close();
  return b;
}

const AB = { domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb" };

test("contact book: numbers in any spelling, e-mail handles, WhatsApp ids and LIDs", async () => {
  const { ctx } = ctxFor([
    { ...AB, data: addressBookDb([{ first: "Amélie", last: "Martin", phones: ["06 12 34 56 78"], emails: ["Amelie@Example.org"] }, { first: "Bob", phones: ["(919) 888-7386"] }]) },
    { domain: WA_DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsV2Db([{ name: "Carol", phone: "+44 7700 900123", jid: "447700900123@s.whatsapp.net" }]) },
    { domain: WA_DOMAIN, relativePath: "LID.sqlite", data: lidDb([["100000000000001", "19198887386"], ["100000000000002", "971500000001"]]) },
  ]);
  const book = await loadContactBook(ctx, { whatsapp: true });
  assert.deepEqual(book.sources, ["address book", "WhatsApp contacts"]);
  const cases: [string, boolean | "unknown"][] = [
    ["+33612345678", true],
    ["33612345678@s.whatsapp.net", true],
    ["0033 6 12 34 56 78", true],
    ["amelie@example.org", true],
    ["19198887386@s.whatsapp.net", true],
    ["+447700900123", true],
    ["100000000000001@lid", true],
    ["100000000000002@lid", false],
    ["100000000000009@lid", "unknown"],
    ["+33699999999", false],
    ["stranger@example.org", false],
    ["120363000000000001@g.us", "unknown"],
    ["0@s.whatsapp.net", "unknown"],
    // The same last 7 digits are not enough: one number must end with the whole other one.
    ["+49 151 2345678", false],
  ];
  for (const [h, want] of cases) assert.equal(book.isContact(h), want, h);
  assert.equal(book.nameOf("+33 6 12 34 56 78"), "Amélie Martin");
  assert.equal(book.nameOf("+33699999999"), null);
  assert.equal(book.phoneOf("100000000000002@lid"), "+971500000001");
  assert.equal(book.phoneOf("971500000001@s.whatsapp.net"), "+971500000001");
});

test("contact book: nothing readable gives unknown, and e-mail handles need the address book", async () => {
  const none = ctxFor([]);
  const empty = await loadContactBook(none.ctx, { whatsapp: true });
  assert.deepEqual(empty.sources, []);
  assert.equal(empty.isContact("+33612345678"), "unknown");

  const waOnly = ctxFor([{ domain: WA_DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsV2Db([{ name: "Carol", phone: "+44 7700 900123", jid: "447700900123@s.whatsapp.net" }]) }]);
  const book = await loadContactBook(waOnly.ctx, { whatsapp: true });
  assert.equal(book.isContact("+33612345678"), false);
  assert.equal(book.isContact("someone@example.org"), "unknown");

  const broken = ctxFor([{ ...AB, data: Buffer.from("not a database") }]);
  const b = await loadContactBook(broken.ctx);
  assert.equal(b.isContact("+33612345678"), "unknown");
  assert.ok(broken.warnings.some((w) => /AddressBook\.sqlitedb unreadable/.test(w)), broken.warnings.join("; "));
});
