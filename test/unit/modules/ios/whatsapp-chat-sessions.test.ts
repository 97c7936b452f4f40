// Regression test found by fuzzing (npm run fuzz, target module:whatsapp_chat_sessions).
import assert from "node:assert/strict";
import { test } from "node:test";
import { VigilError } from "../../../../src/core/errors.ts";
import sessions from "../../../../src/modules/ios/whatsapp-chat-sessions.ts";
import { damagedDb, walk } from "./damaged-db.ts";

test("a damaged page of ChatStorage.sqlite fails the module with a one-line VigilError naming the file", async () => {
  const db = damagedDb("CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID TEXT); CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZMESSAGEDATE REAL, ZCHATSESSION INTEGER);", (d) => {
    d.prepare("INSERT INTO ZWACHATSESSION (ZCONTACTJID) VALUES ('15555550123@s.whatsapp.net')").run();
    const ins = d.prepare("INSERT INTO ZWAMESSAGE (ZMESSAGEDATE, ZCHATSESSION) VALUES (?, 1)");
    for (let i = 0; i < 2000; i++) ins.run(700000000 + i);
  });
  await assert.rejects(walk(sessions, { domain: "AppDomainGroup-group.net.whatsapp.WhatsApp.shared", relativePath: "ChatStorage.sqlite" }, db), (e: unknown) => e instanceof VigilError && /ChatStorage\.sqlite: cannot read database: database disk image is malformed/.test(e.oneLine()));
});
