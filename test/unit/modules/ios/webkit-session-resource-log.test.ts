import { test } from "node:test";
import assert from "node:assert/strict";
import bplistCreator from "bplist-creator";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import mod, { type SessionResourceLogEntry } from "../../../../src/modules/ios/webkit-session-resource-log.ts";
import { matcherFromValues, unix } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";
const iocs = matcherFromValues({ domain: ["redirect-hop.net"] }, "Predator");

function resourceLog(): Buffer {
  return bplistCreator({
    version: 17,
    browsingStatistics: [
      {
        PrevalentResourceDomain: "landing.example",
        lastSeen: unix("2022-04-04T04:04:05Z"),
        hadUserInteraction: false,
        mostRecentUserInteraction: -1,
        grandfathered: false,
        topFrameUniqueRedirectsFrom: [{ domain: "t.example" }],
        topFrameUniqueRedirectsTo: [{ domain: "redirect-hop.net" }],
        subframeUnderTopFrameDomains: [{ domain: "frames.example" }],
        subresourceUnderTopFrameDomains: [{ domain: "cdn.example" }],
        isPrevalentResource: false,
      },
      // Older statistics model: "origin" keys and counted sets.
      {
        PrevalentResourceOrigin: "news.example",
        lastSeen: unix("2020-01-01T00:00:00Z"),
        hadUserInteraction: true,
        mostRecentUserInteraction: unix("2020-01-01T00:00:01Z"),
        topFrameUniqueRedirectsTo: [{ origin: "www.news.example", count: 3 }],
        subresourceUnderTopFrameOrigins: [{ origin: "ads.example", count: 1 }],
      },
    ],
  });
}

test("webkit_session_resource_log: entries with their redirect chain; a hop in the chain is flagged", async () => {
  const view = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "AppDomain-com.apple.mobilesafari", relativePath: REL, data: resourceLog() }] });
  const out = await collectModule(mod, view, iocs);
  assertMvtFields("webkit_session_resource_log", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 2);
  const [a, b] = out.records as SessionResourceLogEntry[];
  assert.equal(a.origin, "landing.example");
  assert.deepEqual(a.redirect_source, ["t.example"]);
  assert.deepEqual(a.redirect_destination, ["redirect-hop.net"]);
  assert.deepEqual(a.subframe_under_origin, ["frames.example"]);
  assert.deepEqual(a.subresource_under_origin, ["cdn.example"]);
  assert.equal(a.last_seen, "2022-04-04T04:04:05.000Z");
  assert.equal(a.most_recent_interaction, undefined);
  assert.equal(a.user_interaction, false);
  assert.equal(a.file, `AppDomain-com.apple.mobilesafari/${REL}`);
  assert.equal(b.origin, "news.example");
  assert.deepEqual(b.redirect_destination, ["www.news.example"]);
  assert.deepEqual(b.subresource_under_origin, ["ads.example"]);
  assert.equal(b.most_recent_interaction, "2020-01-01T00:00:01.000Z");
  // must flag: the destination of the first entry; must not flag: the second entry
  assert.equal(out.detections.length, 1);
  const d = out.detections[0];
  assert.equal(d.grade, "medium");
  assert.equal(d.matched, "redirect-hop.net");
  assert.match(d.title, /reached by redirect.*SOURCE: t\.example -> ORIGIN: landing\.example -> DESTINATION: redirect-hop\.net/);
  assert.deepEqual(out.events.map((e) => e.detected), [true, false]);
});

test("webkit_session_resource_log: a malformed plist fails with a one-line reason naming the file", async () => {
  const view = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: REL, data: Buffer.from("bplist00\x00\x01garbage") }] });
  const out = await collectModule(mod, view, iocs);
  assert.equal(out.coverage.status, "failed");
  assert.match(out.coverage.reason!, new RegExp(`^HomeDomain/${REL.replace(/\./g, "\\.")}: malformed plist`));
  assert.ok(!out.coverage.reason!.includes("\n"));
});

test("webkit_session_resource_log: wrong structure fails with a one-line reason", async () => {
  const view = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "HomeDomain", relativePath: REL, data: bplistCreator({ browsingStatistics: "nope" }) }] });
  const out = await collectModule(mod, view, iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `HomeDomain/${REL}: unexpected content: browsingStatistics is not an array`);
});
