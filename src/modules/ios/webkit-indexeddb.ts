// WebKit IndexedDB folders: WebKit names each per-origin database folder after the origin
// ("https_example.com_0"), so the folder names list the sites that stored data in an app's web
// views, even after their history is gone.
import { defineModule } from "../contract.ts";
import { checkWebKitOrigin, webKitOrigins, webKitStorageReads, type WebKitOriginRecord } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<WebKitOriginRecord>({
  name: "webkit_indexeddb",
  title: "WebKit IndexedDB origins",
  platform: "ios",
  description: "Origins with WebKit IndexedDB data in every app (origin-named folders, or the \"origin\" files of the iOS 16+ layout): each origin's domain is checked against indicators.",
  reads: webKitStorageReads("IndexedDB"),
  records: (ctx) => webKitOrigins(ctx, ["/WebsiteData/IndexedDB/"], ["IndexedDB"]),
  events: (r) =>
    r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_indexeddb", description: `IndexedDB folder ${r.folder} containing file for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, msg("det.what.webkit_indexeddb")),
});
