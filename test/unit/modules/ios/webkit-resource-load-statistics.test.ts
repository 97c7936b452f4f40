import { test } from "node:test";
import assert from "node:assert/strict";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { collectModule } from "../../../../src/pipeline/run-modules.ts";
import mod, { type ObservedDomain } from "../../../../src/modules/ios/webkit-resource-load-statistics.ts";
import { matcherFromValues, observationsDb, sqliteImage } from "../../../helpers/web-fixtures.ts";
import { assertMvtFields } from "../../../helpers/mvt-fields.ts";

const REL = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";
const iocs = matcherFromValues({ domain: ["exploit-cdn.org"] }, "Pegasus");

test("webkit_resource_load_statistics: one record per observed domain, per app, with redirects", async () => {
  const chrome = observationsDb(
    [
      { d: "google.com", seen: "2021-10-18T12:30:50Z", interacted: "2021-10-18T12:27:10Z" },
      { d: "exploit-cdn.org", seen: "2021-10-18T12:27:10Z" },
    ],
    [[1, 2]],
  );
  const mail = observationsDb([{ d: "newsletter.example", seen: "2021-09-01T00:00:00Z" }]);
  const view = memoryView({
    kind: "ios_backup",
    platform: "ios",
    files: [
      { domain: "AppDomain-com.google.chrome.ios", relativePath: REL, data: chrome },
      { domain: "AppDomain-com.apple.mobilemail", relativePath: REL, data: mail },
    ],
  });
  const out = await collectModule(mod, view, iocs);
  assertMvtFields("webkit_resource_load_statistics", out.records);
  assert.equal(out.coverage.status, "checked");
  assert.equal(out.coverage.records, 3);
  const recs = out.records as ObservedDomain[];
  const g = recs.find((r) => r.registrable_domain === "google.com")!;
  assert.equal(g.last_seen, "2021-10-18T12:30:50.000Z");
  assert.equal(g.had_user_interaction, true);
  assert.equal(g.most_recent_user_interaction, "2021-10-18T12:27:10.000Z");
  assert.deepEqual(g.redirects_to, ["exploit-cdn.org"]);
  assert.equal(g.domain, "AppDomain-com.google.chrome.ios");
  assert.equal(g.path, `AppDomain-com.google.chrome.ios/${REL}`);
  const e = recs.find((r) => r.registrable_domain === "exploit-cdn.org")!;
  assert.deepEqual(e.redirects_from, ["google.com"]);
  assert.equal(e.most_recent_user_interaction, undefined);
  // must flag the indicator domain, must not flag the others
  assert.equal(out.detections.length, 1);
  assert.equal(out.detections[0].grade, "medium");
  assert.equal(out.detections[0].matched_indicator?.value, "exploit-cdn.org");
  assert.equal(out.detections[0].artifact, `AppDomain-com.google.chrome.ios/${REL}`);
  assert.match(out.detections[0].title, /Pegasus domain loaded by WebKit \(com\.google\.chrome\.ios\): exploit-cdn\.org/);
  assert.equal(out.events.length, 3);
  assert.match(out.events.find((x) => x.detected)!.description, /exploit-cdn\.org by app in domain AppDomain-com\.google\.chrome\.ios/);
});

test("webkit_resource_load_statistics: filesystem dump, SafariViewService store included", async () => {
  const data = observationsDb([{ d: "sub.exploit-cdn.org", seen: "2021-01-01T00:00:00Z" }]);
  const view = memoryView({
    kind: "ios_fs",
    platform: "ios",
    files: [{ path: "private/var/mobile/Containers/Data/Application/AB12/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db", data }],
  });
  const out = await collectModule(mod, view, iocs);
  assert.equal(out.coverage.records, 1);
  assert.equal((out.records[0] as ObservedDomain).domain, "");
  assert.equal(out.detections.length, 1);
});

test("webkit_resource_load_statistics: wrong schema fails with a one-line reason naming the file", async () => {
  const view = memoryView({ kind: "ios_backup", platform: "ios", files: [{ domain: "AppDomain-com.apple.mobilesafari", relativePath: REL, data: sqliteImage("CREATE TABLE ObservedDomains (domainID INTEGER);") }] });
  const out = await collectModule(mod, view, iocs);
  assert.equal(out.coverage.status, "failed");
  assert.equal(out.coverage.reason, `AppDomain-com.apple.mobilesafari/${REL}: unexpected schema: table ObservedDomains lacks registrableDomain, lastSeen, hadUserInteraction`);
});
