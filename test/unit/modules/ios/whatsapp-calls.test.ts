import { test } from "node:test";
import assert from "node:assert/strict";
import whatsappCalls, { MISSED_CALL_BURST_RULE } from "../../../../src/modules/ios/whatsapp-calls.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { memoryView, type MemoryFile } from "../../../../src/acquisitions/memory.ts";
import { WA_DOMAIN, addressBookDb, callHistoryDb, contactsV2Db, type FixtureCall } from "../../../helpers/messaging-fixtures.ts";

const OWNER = "15550000001@s.whatsapp.net";
const FRIEND = "33612345678@s.whatsapp.net";
const STRANGER = "971500000001@s.whatsapp.net";
const STRANGER2 = "971500000002@s.whatsapp.net";

function view(calls: FixtureCall[], withContacts = true) {
  const files: MemoryFile[] = [{ domain: WA_DOMAIN, relativePath: "CallHistory.sqlite", data: callHistoryDb(calls) }];
  if (withContacts) {
    // The friend is in the address book under a national spelling, and in WhatsApp's list.
    files.push({ domain: "HomeDomain", relativePath: "Library/AddressBook/AddressBook.sqlitedb", data: addressBookDb([{ first: "Amélie", phones: ["06 12 34 56 78"] }]) });
    files.push({ domain: WA_DOMAIN, relativePath: "ContactsV2.sqlite", data: contactsV2Db([{ name: "Amélie", phone: "06 12 34 56 78", jid: FRIEND }]) });
  }
  return memoryView({ kind: "ios_backup", platform: "ios", files });
}

const missedFrom = (who: string, at: string): FixtureCall => ({ at, incoming: true, missed: true, creator: who, participant: who });

test("whatsapp_calls: direction, answered or missed, the caller and whether the caller is a contact", async () => {
  const out = await collectModule(
    whatsappCalls,
    view([
      { at: "2025-03-01T10:00:00Z", incoming: false, creator: OWNER, participant: FRIEND, duration: 95 },
      { at: "2025-03-01T11:00:00Z", incoming: true, creator: FRIEND, participant: FRIEND, video: true, duration: 30 },
      missedFrom(STRANGER, "2025-03-02T03:00:00Z"),
      { at: "2025-03-02T04:00:00Z", incoming: false, outcome: 1, creator: OWNER, participant: STRANGER },
      { at: "2025-03-02T05:00:00Z", incoming: true, outcome: 4, creator: FRIEND, participant: FRIEND },
    ]),
    matcherFromValues({}),
  );
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 5);
  assert.deepEqual(
    r.map((x) => [x.direction, x.status, x.answered, x.missed, x.sender, x.sender_is_contact, x.callee]),
    [
      ["outgoing", "answered", true, false, null, null, FRIEND],
      ["incoming", "answered", true, false, FRIEND, true, null],
      ["incoming", "missed", false, true, STRANGER, false, null],
      ["outgoing", "missed", false, false, null, null, STRANGER],
      ["incoming", "rejected", false, false, FRIEND, true, null],
    ],
  );
  assert.equal(r[1].video, true);
  assert.equal(r[1].sender_name, "Amélie");
  assert.equal(r[2].sender_phone, "+971500000001");
  assert.equal(r[0].isodate, "2025-03-01T10:00:00.000Z");
  assert.deepEqual(
    out.events.map((e) => [e.event, e.sender, e.sender_is_contact]),
    [
      ["whatsapp_call_placed", undefined, undefined],
      ["whatsapp_call_received", FRIEND, true],
      ["whatsapp_call_missed", STRANGER, false],
      ["whatsapp_call_unanswered", undefined, undefined],
      ["whatsapp_call_missed", FRIEND, true],
    ],
  );
  assert.match(out.events[2].description, /not in the contacts/);
  assert.equal(out.detections.length, 0, "one missed call from a stranger is not a burst");
});

test("whatsapp_calls: 3 unanswered calls from strangers within an hour are one weak detection", async () => {
  const out = await collectModule(
    whatsappCalls,
    view([
      missedFrom(STRANGER, "2025-03-02T03:00:00Z"),
      missedFrom(STRANGER2, "2025-03-02T03:20:00Z"),
      { at: "2025-03-02T03:25:00Z", incoming: true, outcome: 4, creator: STRANGER, participant: STRANGER },
      missedFrom(STRANGER, "2025-03-02T03:59:00Z"),
      // Outside the window of the first burst, and alone afterwards.
      missedFrom(STRANGER, "2025-03-02T06:00:00Z"),
    ]),
    matcherFromValues({}),
  );
  assert.equal(out.detections.length, 1);
  const d = out.detections[0];
  assert.equal(d.rule?.id, MISSED_CALL_BURST_RULE.id);
  assert.equal(d.grade, "weak");
  assert.equal(d.timestamp, "2025-03-02T03:00:00.000Z");
  assert.equal((d.record as unknown[]).length, 4);
  assert.equal(d.matched, "+971500000001, +971500000002");
});

test("whatsapp_calls: missed calls from a contact, or from callers that cannot be compared, are never a burst", async () => {
  const friendly = await collectModule(
    whatsappCalls,
    view([missedFrom(FRIEND, "2025-03-02T03:00:00Z"), missedFrom(FRIEND, "2025-03-02T03:01:00Z"), missedFrom(FRIEND, "2025-03-02T03:02:00Z")]),
    matcherFromValues({}),
  );
  assert.equal(friendly.detections.length, 0);
  // Without any contact list, a stranger cannot be told from a friend.
  const blind = await collectModule(
    whatsappCalls,
    view([missedFrom(STRANGER, "2025-03-02T03:00:00Z"), missedFrom(STRANGER, "2025-03-02T03:01:00Z"), missedFrom(STRANGER, "2025-03-02T03:02:00Z")], false),
    matcherFromValues({}),
  );
  assert.equal(blind.detections.length, 0);
  assert.ok((blind.records as any[]).every((x) => x.sender_is_contact === "unknown"));
  assert.ok(blind.warnings.some((w) => /whether callers are contacts is unknown/.test(w)));
});

test("whatsapp_calls: a call log without the call table fails with a one-line reason", async () => {
  const v = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: WA_DOMAIN, relativePath: "CallHistory.sqlite", data: contactsV2Db([]) }] });
  const out = await collectModule(whatsappCalls, v, matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.match(out.coverage.reason!, /CallHistory\.sqlite: unexpected schema: no table ZWACDCALLEVENT/);
});
