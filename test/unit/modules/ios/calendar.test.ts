import { test } from "node:test";
import assert from "node:assert/strict";
import calendar, { backdatedExternalInvite, quadreamPattern } from "../../../../src/modules/ios/calendar.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const SCHEMA = `
CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER, type INTEGER, status INTEGER, pending_status INTEGER, role INTEGER, identity_id INTEGER, owner_id INTEGER, external_rep BLOB, UUID TEXT, email TEXT, phone_number TEXT, is_self INTEGER, comment TEXT, schedule_agent INTEGER, flags INTEGER, last_modified REAL, proposed_start_date REAL, invited_by TEXT, proposed_start_date_status INTEGER, comment_last_modified REAL);
CREATE TABLE Identity (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, display_name TEXT, address TEXT, first_name TEXT, last_name TEXT);
CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT, location_id INTEGER, client_location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL, end_tz TEXT, all_day INTEGER, calendar_id INTEGER, orig_item_id INTEGER, orig_date REAL, organizer_id INTEGER, self_attendee_id INTEGER, status INTEGER, invitation_status INTEGER, availability INTEGER, privacy_level INTEGER, url TEXT, last_modified REAL, sequence_num INTEGER, birthday_id INTEGER, modified_properties INTEGER, external_tracking_status INTEGER, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT, external_schedule_id TEXT, external_rep BLOB, response_comment TEXT, last_synced_response_comment TEXT, hidden INTEGER, has_recurrences INTEGER, has_attendees INTEGER, UUID TEXT, entity_type INTEGER, priority INTEGER, due_date REAL, due_tz TEXT, due_all_day INTEGER, completion_date REAL, creation_date REAL, action TEXT, app_link BLOB, display_order INTEGER, created_by_id INTEGER, modified_by_id INTEGER);
`;

function db(): Buffer {
  return sqliteImage(SCHEMA, (db) => {
    db.prepare("INSERT INTO Identity (ROWID, display_name, address) VALUES (1, 'Operator', 'mailto:op@attacker.example')").run();
    const p = db.prepare("INSERT INTO Participant (ROWID, entity_type, identity_id, owner_id, UUID, email, is_self, last_modified) VALUES (?,?,?,?,?,?,?,?)");
    // Event 1: QuaDream-shaped invitation from an outside organizer, backdated.
    p.run(1, 8, 1, 1, "P1", "op@attacker.example", 0, mac("2021-01-10T00:00:00Z"));
    p.run(2, 7, null, 1, "P2", "me@icloud.com", 1, null);
    // Event 3: invitation to a future meeting; an attendee is a listed account.
    p.run(3, 8, null, 3, "P3", "boss@work.example", 0, null);
    p.run(4, 7, null, 3, "P4", "listed@attacker2.example", 0, null);
    // Event 4: backdated invitation without the QuaDream title.
    p.run(5, 8, null, 4, "P5", "late@friend.example", 0, null);
    // Event 5: own event, organizer is self.
    p.run(6, 8, null, 5, "P6", "me@icloud.com", 1, null);
    const c = db.prepare("INSERT INTO CalendarItem (ROWID, summary, description, start_date, end_date, all_day, calendar_id, organizer_id, url, last_modified, hidden, UUID, creation_date) VALUES (?,?,?,?,?,0,1,?,?,?,0,?,?)");
    c.run(1, "Meeting", "Notes", mac("2020-06-01T10:00:00Z"), mac("2020-06-01T11:00:00Z"), 1, null, mac("2021-01-10T00:00:00Z"), "U1", mac("2021-01-10T00:00:00Z"));
    c.run(2, "Dentist", null, mac("2021-03-01T10:00:00Z"), mac("2021-03-01T11:00:00Z"), null, "", null, "U2", mac("2021-02-01T00:00:00Z"));
    c.run(3, "Planning", "see https://docs.attacker3.example/x", mac("2021-05-01T10:00:00Z"), mac("2021-05-01T11:00:00Z"), 3, null, null, "U3", mac("2021-04-01T00:00:00Z"));
    c.run(4, "Team lunch", "Agenda", mac("2021-01-01T10:00:00Z"), mac("2021-01-01T11:00:00Z"), 5, null, null, "U4", mac("2021-02-01T00:00:00Z"));
    c.run(5, "Meeting", "Agenda", mac("2019-01-01T10:00:00Z"), mac("2019-01-01T11:00:00Z"), 6, null, null, "U5", mac("2021-02-01T00:00:00Z"));
  });
}

test("calendar: records with organizer and attendees, events, indicators and rules", async () => {
  const iocs = matcherFromValues({ email: ["op@attacker.example", "listed@attacker2.example"], domain: ["attacker3.example"] });
  const out = await collectModule(calendar, backup([{ domain: "HomeDomain", relativePath: "Library/Calendar/Calendar.sqlitedb", data: db() }]), iocs);
  assertMvtFields("calendar", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 5);
  assert.equal(r[0].participant_email, "op@attacker.example");
  assert.equal(r[0].organizer_name, "Operator");
  assert.equal(r[0].organizer_is_self, false);
  assert.deepEqual(r[0].attendee_emails, ["me@icloud.com"]);
  assert.equal(r[0].start_date, "2020-06-01T10:00:00.000Z");
  assert.equal(r[1].participant_email, null);
  assert.equal(r[1].url, null);
  assert.deepEqual(r[2].attendee_emails, ["listed@attacker2.example"]);
  // start, end, last_modified, creation and participant_last_modified for event 1
  assert.equal(out.events.filter((e) => e.description.includes("Meeting\" (Notes)")).length, 5);

  const d = out.detections;
  const byRule = (id: string) => d.filter((x) => x.rule?.id === id).map((x) => (x.record as any).uuid);
  assert.deepEqual(byRule("quadream-calendar-invite"), ["U1"], "U5 is titled Meeting but its notes are not 'Notes'");
  assert.deepEqual(byRule("calendar-backdated-invite"), ["U4"], "U5 is the owner's own event; U3 is in the future");
  const emails = d.filter((x) => x.matched_indicator?.type === "email");
  assert.deepEqual(emails.map((x) => [(x.record as any).uuid, x.grade]), [["U1", "medium"], ["U3", "medium"]]);
  const dom = d.filter((x) => x.matched_indicator?.type === "domain");
  assert.equal(dom.length, 1);
  assert.equal(dom[0].grade, "weak");
  assert.equal(d.length, 5);
});

test("calendar rules: must flag and must not flag", () => {
  assert.equal(quadreamPattern({ summary: "Meeting", description: "Notes" }), true);
  assert.equal(quadreamPattern({ summary: "Meeting ", description: " Notes" }), true);
  assert.equal(quadreamPattern({ summary: "Meeting", description: null }), false);
  assert.equal(quadreamPattern({ summary: "Weekly Meeting", description: "Notes" }), false);
  const base = { participant_email: "x@y.example", organizer_is_self: false, start_date: "2021-01-01T00:00:00.000Z", creation_date: "2021-01-20T00:00:00.000Z" };
  assert.equal(backdatedExternalInvite(base), true);
  assert.equal(backdatedExternalInvite({ ...base, organizer_is_self: true }), false);
  assert.equal(backdatedExternalInvite({ ...base, participant_email: null }), false);
  assert.equal(backdatedExternalInvite({ ...base, creation_date: "2021-01-02T00:00:00.000Z" }), false, "a day late is an ordinary late invitation");
});

test("calendar: wrong schema", async () => {
  const bad = sqliteImage("CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, start_date REAL)");
  const out = await collectModule(calendar, backup([{ domain: "HomeDomain", relativePath: "Library/Calendar/Calendar.sqlitedb", data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/Calendar/Calendar.sqlitedb: unexpected schema: no table Participant");
});
