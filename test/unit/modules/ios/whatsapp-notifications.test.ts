// Security notifications in WhatsApp messages (the link checks are in ios-modules-comm/whatsapp.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import whatsapp from "../../../../src/modules/ios/whatsapp.ts";
import { META_THREAT_RULE } from "../../../../src/rules/threat-notifications.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../../../src/indicators/matcher.ts";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { WA_DOMAIN, chatStorageDb } from "../../../helpers/messaging-fixtures.ts";

const NOTICE = "WhatsApp disrupted the activities of a spyware company that we believe attacked your device. You may have received a malicious file.";

test("whatsapp: a security notice from WhatsApp's official account is flagged; the same text from a friend is not", async () => {
  const db = chatStorageDb(
    [
      { jid: "0@s.whatsapp.net", name: "WhatsApp" },
      { jid: "33612345678@s.whatsapp.net", name: "Amélie" },
    ],
    [
      { chat: 1, at: "2025-01-31T10:00:00Z", type: 0, from: "0@s.whatsapp.net", text: NOTICE },
      { chat: 2, at: "2025-01-31T11:00:00Z", type: 0, from: "33612345678@s.whatsapp.net", text: `Look what I got: ${NOTICE}` },
      { chat: 1, at: "2025-01-31T12:00:00Z", type: 0, fromMe: true, text: NOTICE },
    ],
  );
  const out = await collectModule(whatsapp, memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: WA_DOMAIN, relativePath: "ChatStorage.sqlite", data: db }] }), matcherFromValues({}));
  assert.equal(out.coverage.status, "checked", out.coverage.reason);
  assert.deepEqual(
    out.detections.map((d) => [d.rule?.id, d.grade, d.timestamp]),
    [[META_THREAT_RULE.id, "medium", "2025-01-31T10:00:00.000Z"]],
  );
});
