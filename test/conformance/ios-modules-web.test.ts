// The browser and web-data modules against MVT's test backup: record counts and values compared
// with independent SQL over the same payload files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { HAVE_CORPUS, MVT_BACKUP, mvtBackupPayload, mvtBackupSql } from "../helpers/corpus.ts";
import { collectModule } from "../../src/pipeline/run-modules.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import { openIosBackup } from "../../src/acquisitions/ios-backup/open.ts";
import safariHistory from "../../src/modules/ios/safari-history.ts";
import safariBrowserState, { type SafariTab } from "../../src/modules/ios/safari-browser-state.ts";
import webkitRls, { type ObservedDomain } from "../../src/modules/ios/webkit-resource-load-statistics.ts";
import webkitSessionLog from "../../src/modules/ios/webkit-session-resource-log.ts";
import chromeHistory from "../../src/modules/ios/chrome-history.ts";
import chromeFavicon from "../../src/modules/ios/chrome-favicon.ts";
import firefoxHistory from "../../src/modules/ios/firefox-history.ts";
import firefoxFavicon from "../../src/modules/ios/firefox-favicon.ts";
import safariFavicon from "../../src/modules/ios/safari-favicon.ts";
import cacheFiles from "../../src/modules/ios/cache-files.ts";

const BACKUP = MVT_BACKUP;
const payload = mvtBackupPayload;

const sql = mvtBackupSql;

test("ios web modules on MVT's test backup", { skip: !HAVE_CORPUS }, async (t) => {
  const view = await openIosBackup(BACKUP);
  const iocs = matcherFromValues({ domain: ["gstatic.com"], url: ["https://en.wikipedia.org/wiki/NSO_Group"] }, "Conformance");
  try {
    await t.test("safari_browser_state: every tab of BrowserState.db", async () => {
      const want = sql<{ title: string; url: string; t: number }>("3a47b0981ed7c10f3e2800aa66bac96a3b5db28e", "SELECT title, url, last_viewed_time AS t FROM tabs ORDER BY last_viewed_time");
      const out = await collectModule(safariBrowserState, view, iocs);
      assert.equal(out.coverage.status, "checked");
      assert.equal(out.coverage.records, want.length);
      const recs = out.records as SafariTab[];
      assert.deepEqual(recs.map((r) => [r.tab_title, r.tab_url]), want.map((w) => [w.title, w.url]));
      assert.deepEqual(recs.map((r) => r.last_viewed_timestamp), want.map((w) => new Date(Date.UTC(2001, 0, 1) + w.t * 1000).toISOString()));
      assert.equal(recs[0].safari_browser_state_db, "HomeDomain/Library/Safari/BrowserState.db");
      // must flag: the tab's URL is a URL indicator of the test set
      assert.equal(out.detections.length, want.filter((w) => w.url === "https://en.wikipedia.org/wiki/NSO_Group").length);
    });

    await t.test("webkit_resource_load_statistics: every ObservedDomains row of each present observations.db", async () => {
      const want = sql<{ id: number; d: string; seen: number; ui: number }>(
        "6e9d0cb750a70e7fa10943c134a5f021dab327e7",
        "SELECT domainID AS id, registrableDomain AS d, lastSeen AS seen, hadUserInteraction AS ui FROM ObservedDomains ORDER BY domainID",
      );
      const out = await collectModule(webkitRls, view, iocs);
      assert.equal(out.coverage.status, "checked");
      assert.equal(out.coverage.records, want.length);
      const recs = out.records as ObservedDomain[];
      assert.deepEqual(
        recs.map((r) => [r.domain_id, r.registrable_domain, r.last_seen, r.had_user_interaction, r.domain]),
        want.map((w) => [w.id, w.d, new Date(w.seen * 1000).toISOString(), !!w.ui, "AppDomain-com.google.chrome.ios"]),
      );
      // must flag gstatic.com, must not flag google.com
      assert.deepEqual(out.detections.map((d) => d.matched), want.filter((w) => w.d === "gstatic.com").map((w) => w.d));
    });

    await t.test("artifacts listed in Manifest.db without a payload are never reported as checked", async () => {
      for (const mod of [safariHistory, chromeHistory, chromeFavicon, firefoxHistory, firefoxFavicon]) {
        const out = await collectModule(mod, view, iocs);
        assert.equal(out.coverage.status, "failed", mod.name);
        assert.match(out.coverage.reason!, /missing/, mod.name);
      }
      const absent = await collectModule(webkitSessionLog, view, iocs);
      assert.equal(absent.coverage.status, "absent");
      for (const mod of [safariFavicon, cacheFiles]) {
        assert.equal((await collectModule(mod, view, iocs)).coverage.status, "not_applicable", mod.name);
      }
    });
  } finally {
    await view.close();
  }
});
