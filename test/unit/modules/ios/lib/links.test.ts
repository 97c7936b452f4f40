import { test } from "node:test";
import assert from "node:assert/strict";
import { emailOf, extractLinks, isWhatsAppInfraLink, oneLine } from "../../../../../src/modules/ios/lib/links.ts";
import { urlTokensInText } from "../../../../../src/indicators/matcher.ts";
import { withinCpu } from "../../../../helpers/cpu-bound.ts";

test("extractLinks: scheme URLs in running text, sentence punctuation dropped, no duplicates", () => {
  assert.deepEqual(extractLinks("Go to https://a.example/x?y=1, then (http://b.example/p). Again https://a.example/x?y=1!"), [
    "https://a.example/x?y=1",
    "http://b.example/p",
  ]);
  assert.deepEqual(extractLinks("wiki https://en.wikipedia.org/wiki/Pegasus_(spyware) end"), ["https://en.wikipedia.org/wiki/Pegasus_(spyware)"]);
  assert.deepEqual(extractLinks("quoted \"https://q.example/a\" and <https://r.example/b>"), ["https://q.example/a", "https://r.example/b"]);
  assert.deepEqual(extractLinks("HTTPS://UPPER.example/X"), ["HTTPS://UPPER.example/X"]);
  assert.deepEqual(extractLinks("no links, just evil.example and ftp://x.example"), []);
  assert.deepEqual(extractLinks("broken https:// only"), []);
  assert.deepEqual(extractLinks(null), []);
  assert.deepEqual(extractLinks(""), []);
});

test("isWhatsAppInfraLink: WhatsApp's own servers only", () => {
  assert.equal(isWhatsAppInfraLink("https://mmg.whatsapp.net/v/t62/abc.enc"), true);
  assert.equal(isWhatsAppInfraLink("https://mmg-fna.whatsapp.net/d/f/x.enc"), true);
  assert.equal(isWhatsAppInfraLink("https://media-fra3-1.cdn.whatsapp.net/v/x"), true);
  assert.equal(isWhatsAppInfraLink("https://pps.whatsapp.net/v/t61/x"), true);
  assert.equal(isWhatsAppInfraLink("https://whatsapp.net.evil.example/x"), false);
  assert.equal(isWhatsAppInfraLink("https://evil.example/whatsapp.net"), false);
  assert.equal(isWhatsAppInfraLink("https://chat.whatsapp.com/invite"), false, "group invitations are links to check");
  assert.equal(isWhatsAppInfraLink("not a url whatsapp.net"), false);
});

test("emailOf: handles, mailto and quotes; not WhatsApp JIDs, phone numbers or junk", () => {
  assert.equal(emailOf("mailto:a.b@gmail.com"), "a.b@gmail.com");
  assert.equal(emailOf("'x@y.example'"), "x@y.example");
  assert.equal(emailOf("<x@y.example>"), "x@y.example");
  assert.equal(emailOf("e:me@icloud.com".slice(2)), "me@icloud.com");
  assert.equal(emailOf("14155550100@s.whatsapp.net"), undefined);
  assert.equal(emailOf("100000000000001@lid"), undefined);
  assert.equal(emailOf("120363@g.us"), undefined);
  assert.equal(emailOf("+41791234567"), undefined);
  assert.equal(emailOf("a@b"), undefined);
  assert.equal(emailOf("two words@x.example"), undefined);
  assert.equal(emailOf(null), undefined);
});

test("oneLine: newlines escaped, long texts cut", () => {
  assert.equal(oneLine("a\nb\r\nc"), "a\\nb\\nc");
  assert.equal(oneLine("x".repeat(10), 5), "xxxx…");
  assert.equal(oneLine("short"), "short");
  assert.equal(oneLine(undefined), "");
});

test("a message anyone can send does not stall the check: long runs of dots and punctuation are read in linear time", async () => {
  // "a.a.a…" made the domain alternative of urlTokensInText try every label count at every
  // position, and /[.,;…]+$/ every position of a run of dots: both quadratic (minutes at 400 KB).
  const dots = "a.".repeat(200_000);
  const punct = `see https://x.example/${".".repeat(400_000)}a and https://y.example/p${"!".repeat(400_000)}`;
  const [tokens, links] = await withinCpu(5, "the texts", () => [urlTokensInText(dots), extractLinks(punct)]);
  // One-letter labels end no name (the last label needs two characters): nothing, as before.
  assert.deepEqual(tokens, []);
  assert.deepEqual(links, [`https://x.example/${".".repeat(400_000)}a`, "https://y.example/p"]);
  assert.deepEqual(urlTokensInText("visit evil.example. Or 203.0.113.9/x!"), ["evil.example", "203.0.113.9/x"]);
});

test("a message with a hundred thousand distinct links is read in linear time, each link once and in order", async () => {
  // Each link was looked for among those already found: quadratic (minutes at 2 MB).
  const parts = Array.from({ length: 200_000 }, (_, i) => `http://a${i.toString(36)}`);
  const text = `${parts.join(" ")} ${parts[0]} ${parts[199_999]}.`;
  const links = await withinCpu(5, "the links", () => extractLinks(text));
  assert.deepEqual(links, parts);
});
