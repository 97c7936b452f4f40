// The values of a results record that the case archive keeps: by check-iocs' field names, with
// links and domain names taken out of free text and the text itself never kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { recordValues } from "../../../src/indicators/values.ts";

test("fields become values of their kind; phone numbers, bookkeeping and text are not kept", () => {
  const r = recordValues("sms", {
    ROWID: 7,
    guid: "ABC",
    phone_number: "+33612345678",
    account: "E:Op@Evil.Example",
    text: "Hi! see evil-news.com/article and https://t.example/x?id=1, call me at 3.14 or read file.txt",
    isodate: "2024-03-01T10:00:00.000Z",
    links: ["https://t.example/x?id=1"],
    direction: "received",
  });
  assert.equal(r.timestamp, "2024-03-01T10:00:00.000Z");
  const got = r.values.map((v) => `${v.kind}:${v.field}:${v.value}`).sort();
  assert.deepEqual(got, ["email:account:op@evil.example", "text:text:evil-news.com/article", "url:links:https://t.example/x?id=1"]);
  assert.ok(!JSON.stringify(r).includes("Hi!"));
});

test("module meanings and nested objects: processes, paths, app ids, hosts, addresses, certificates", () => {
  const ps = recordValues("processes", { name: "bh", path: "/private/var/db/bh", sha256: "A".repeat(64), remote_ip: "203.0.113.5:443", host: "API.Evil.Example.", certificate: { sha256: "b".repeat(64) } });
  const got = ps.values.map((v) => `${v.kind}:${v.value}`).sort();
  assert.deepEqual(got, ["cert:" + "b".repeat(64), "domain:api.evil.example", "hash:" + "a".repeat(64), "ip:203.0.113.5", "path:/private/var/db/bh", "process:bh"]);
  const app = recordValues("packages", { name: "com.spy.app", installer: "com.android.vending" });
  assert.deepEqual(app.values.map((v) => `${v.kind}:${v.value}`).sort(), ["app:com.android.vending", "app:com.spy.app"]);
});

test("a URL in a message of more than 100,000 characters is kept for retro-hunts like one in a short message", () => {
  const { values } = recordValues("sms", { text: `${"word ".repeat(40_000)}see https://x.evil.example/a` });
  assert.deepEqual(values, [{ kind: "text", value: "https://x.evil.example/a", field: "text" }]);
});
