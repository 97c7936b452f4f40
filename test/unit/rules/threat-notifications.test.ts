import { test } from "node:test";
import assert from "node:assert/strict";
import { APPLE_THREAT_RULE, META_THREAT_RULE, isWhatsAppOfficial, threatNotification } from "../../../src/rules/threat-notifications.ts";

const base = { service: "WhatsApp", hosts: [] as string[], timestamp: "2025-01-31T10:00:00.000Z" };

test("threat notifications: WhatsApp's own account writing about spyware, and Meta's notice quoted with its link, must flag", () => {
  const own = threatNotification({
    ...base,
    text: "In December, WhatsApp disrupted the activities of a spyware company that we believe attacked your device. You may have received a malicious file via WhatsApp.",
    fromWhatsApp: true,
  });
  assert.equal(own?.rule?.id, META_THREAT_RULE.id);
  assert.equal(own?.grade, "medium");
  assert.equal(own?.timestamp, base.timestamp);
  const quoted = threatNotification({
    ...base,
    service: "SMS",
    text: "WhatsApp: we believe your account was the target of a sophisticated attack. Learn more: https://faq.whatsapp.com/1234",
    hosts: ["faq.whatsapp.com"],
  });
  assert.equal(quoted?.rule?.id, META_THREAT_RULE.id);
  assert.match(quoted!.title, /WhatsApp\/Meta security notification received by SMS on 2025-01-31/);
  const apple = threatNotification({ ...base, service: "iMessage", text: "ALERT: State-sponsored attackers may be targeting your iPhone" });
  assert.equal(apple?.rule?.id, APPLE_THREAT_RULE.id);
});

test("threat notifications: news, other senders and look-alike links must not flag", () => {
  const cases = [
    // A friend forwarding the news, without the vendor's link or account.
    { ...base, text: "Did you see? WhatsApp says spyware company Paragon targeted 90 users" },
    // The same from a stranger with a news link.
    { ...base, text: "WhatsApp spyware attack on journalists https://news.example.org/paragon", hosts: ["news.example.org"] },
    // A look-alike domain.
    { ...base, service: "SMS", text: "WhatsApp: malicious file detected on your account https://whatsapp.com.verify.example/x", hosts: ["whatsapp.com.verify.example"] },
    // WhatsApp's account about something else.
    { ...base, text: "Your WhatsApp code is 123-456. Don't share it.", fromWhatsApp: true },
    { ...base, text: "", fromWhatsApp: true },
  ];
  for (const c of cases) assert.equal(threatNotification(c), undefined, c.text);
  assert.equal(isWhatsAppOfficial("0@s.whatsapp.net"), true);
  assert.equal(isWhatsAppOfficial("15550000001@s.whatsapp.net"), false);
});
