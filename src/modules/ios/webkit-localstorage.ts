// WebKit LocalStorage: one "<scheme>_<host>_<port>.localstorage" database per origin, so the file
// names list the sites that stored data in an app's web views.
import { defineModule } from "../contract.ts";
import { checkWebKitOrigin, webKitOrigins, webKitStorageReads, type WebKitOriginRecord } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<WebKitOriginRecord>({
  name: "webkit_local_storage",
  title: "WebKit LocalStorage origins",
  platform: "ios",
  description: "Origins with WebKit LocalStorage data in every app (origin-named files, or the \"origin\" files of the iOS 16+ layout): each origin's domain is checked against indicators.",
  reads: webKitStorageReads("LocalStorage"),
  records: (ctx) => webKitOrigins(ctx, ["/WebsiteData/LocalStorage/"], ["LocalStorage"]),
  events: (r) =>
    r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_local_storage", description: `WebKit Local Storage folder ${r.folder} containing file for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, msg("det.what.webkit_localstorage")),
});
