import { defineModule } from "../../core/module.js";
import { checkWebKitOrigin, webKitOrigins, webKitStorageReads } from "./lib/web.js";
var webkit_localstorage_default = defineModule({
  name: "webkit_local_storage",
  title: "WebKit LocalStorage origins",
  platform: "ios",
  description: `Origins with WebKit LocalStorage data in every app (origin-named files, or the "origin" files of the iOS 16+ layout): each origin's domain is checked against indicators.`,
  reads: webKitStorageReads("LocalStorage"),
  records: (ctx) => webKitOrigins(ctx, ["/WebsiteData/LocalStorage/"], ["LocalStorage"]),
  events: (r) => r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_local_storage", description: `WebKit Local Storage folder ${r.folder} containing file for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, "stored LocalStorage data in a WebKit view")
});
export {
  webkit_localstorage_default as default
};
