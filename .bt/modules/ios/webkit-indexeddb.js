import { defineModule } from "../../core/module.js";
import { checkWebKitOrigin, webKitOrigins, webKitStorageReads } from "./lib/web.js";
var webkit_indexeddb_default = defineModule({
  name: "webkit_indexeddb",
  title: "WebKit IndexedDB origins",
  platform: "ios",
  description: `Origins with WebKit IndexedDB data in every app (origin-named folders, or the "origin" files of the iOS 16+ layout): each origin's domain is checked against indicators.`,
  reads: webKitStorageReads("IndexedDB"),
  records: (ctx) => webKitOrigins(ctx, ["/WebsiteData/IndexedDB/"], ["IndexedDB"]),
  events: (r) => r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_indexeddb", description: `IndexedDB folder ${r.folder} containing file for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, "stored IndexedDB data in a WebKit view")
});
export {
  webkit_indexeddb_default as default
};
