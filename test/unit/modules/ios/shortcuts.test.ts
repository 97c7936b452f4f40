import { test } from "node:test";
import assert from "node:assert/strict";
import bplistCreator from "bplist-creator";
import shortcuts, { parseActions } from "../../../../src/modules/ios/shortcuts.ts";
import { writeBplist } from "../../../helpers/bplist-writer.ts";
import { withinCpu } from "../../../helpers/cpu-bound.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { backup, mac, sqliteImage } from "../../../helpers/messaging-views.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const SCHEMA = `
CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACTIONCOUNT INTEGER, ZHASSHORTCUTINPUTVARIABLES INTEGER, ZHIDDEN INTEGER, ZICONCOLOR INTEGER, ZTOMBSTONED INTEGER, ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR, ZASSOCIATEDAPPBUNDLEIDENTIFIER VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR, ZICONDATA BLOB);
CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSHORTCUT INTEGER, ZDATA BLOB);
`;

const actions = (list: object[]) => bplistCreator(list as any);

function db(): Buffer {
  return sqliteImage(SCHEMA, (db) => {
    const s = db.prepare("INSERT INTO ZSHORTCUT (Z_PK, ZNAME, ZACTIONSDESCRIPTION, ZCREATIONDATE, ZMODIFICATIONDATE, ZACTIONS) VALUES (?,?,?,?,?,?)");
    s.run(1, "Morning", "Weather and news", mac("2022-01-01T07:00:00Z"), mac("2022-02-01T07:00:00Z"), 1);
    s.run(2, "Upload", "Get contents of URL", mac("2022-03-01T07:00:00Z"), mac("2022-03-01T07:00:00Z"), 2);
    s.run(3, "Broken", null, mac("2022-04-01T07:00:00Z"), null, 3);
    s.run(4, "Empty", null, mac("2022-05-01T07:00:00Z"), null, null);
    const a = db.prepare("INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (?, ?)");
    a.run(1, actions([
      { WFWorkflowActionIdentifier: "is.workflow.actions.weather.currentconditions", WFWorkflowActionParameters: {} },
      { WFWorkflowActionIdentifier: "is.workflow.actions.openurl", WFWorkflowActionParameters: { WFInput: "https://news.example.com/today" } },
    ]));
    a.run(2, actions([
      {
        WFWorkflowActionIdentifier: "is.workflow.actions.downloadurl",
        WFWorkflowActionParameters: { WFURL: { Value: { string: "https://collect.bad-shortcut.example/up?x=1", attachmentsByRange: {} }, WFSerializationType: "WFTextTokenString" }, WFHTTPMethod: "POST" },
      },
    ]));
    a.run(3, Buffer.from("not a plist"));
  });
}

test("shortcuts: names, actions, URLs in nested parameters, events and URL indicators", async () => {
  const iocs = matcherFromValues({ domain: ["bad-shortcut.example"] });
  const out = await collectModule(shortcuts, backup([{ domain: "HomeDomain", relativePath: "Library/Shortcuts/Shortcuts.sqlite", data: db() }]), iocs);
  assertMvtFields("shortcuts", out.records);
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  const r = out.records as any[];
  assert.equal(r.length, 4);
  assert.equal(r[0].shortcut_name, "Morning");
  assert.deepEqual(r[0].actions, ["is.workflow.actions.weather.currentconditions", "is.workflow.actions.openurl"]);
  assert.deepEqual(r[0].action_urls, ["https://news.example.com/today"]);
  assert.equal(r[0].isodate, "2022-01-01T07:00:00.000Z");
  assert.deepEqual(r[1].action_urls, ["https://collect.bad-shortcut.example/up?x=1"]);
  assert.equal(r[2].parsed_actions, 0);
  assert.match(r[2].actions_error, /malformed plist/);
  assert.equal(out.warnings.length, 1, "one unreadable shortcut is a warning, not a failure");
  assert.equal(r[3].parsed_actions, 0);
  // created + modified for Morning; created only when modified equals created or is missing
  assert.deepEqual(out.events.map((e) => e.event), ["shortcut_created", "shortcut_modified", "shortcut_created", "shortcut_created", "shortcut_created"]);
  assert.equal(out.detections.length, 1, "news.example.com must not flag");
  assert.equal(out.detections[0].grade, "medium");
  assert.match(out.detections[0].title, /shortcut 'Upload'/);
});

test("shortcuts: database without the actions table fails", async () => {
  const bad = sqliteImage("CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR)");
  const out = await collectModule(shortcuts, backup([{ domain: "HomeDomain", relativePath: "Library/Shortcuts/Shortcuts.sqlite", data: bad }]), matcherFromValues({}));
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, "HomeDomain/Library/Shortcuts/Shortcuts.sqlite: unexpected schema: no table ZSHORTCUTACTIONS");
});

test("shortcuts: an action with a hundred thousand URL parameters is read in linear time, each URL once and in order", async () => {
  // Each URL was looked for among those already found: quadratic (9 s of CPU for this 2 MB plist).
  const urls = Array.from({ length: 100_000 }, (_, i) => `http://a${i.toString(36)}`);
  const data = writeBplist([{ WFWorkflowActionIdentifier: "is.workflow.actions.list", WFWorkflowActionParameters: { WFItems: [...urls, urls[5]] } }]);
  const p = await withinCpu(3, "the actions", () => parseActions(data, "Shortcuts.sqlite"));
  assert.deepEqual(p.identifiers, ["is.workflow.actions.list"]);
  assert.deepEqual(p.urls, urls);
});
