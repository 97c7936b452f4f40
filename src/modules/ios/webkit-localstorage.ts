// WebKit LocalStorage: one "<scheme>_<host>_<port>.localstorage" database per origin, so the file
// names list the sites that stored data in an app's web views.
import { defineModule } from "../../core/module.ts";
import { checkWebKitOrigin, webKitOrigins, type WebKitOriginRecord } from "./lib/web.ts";

export default defineModule<WebKitOriginRecord>({
  name: "webkit_local_storage",
  title: "WebKit LocalStorage origins",
  platform: "ios",
  description: "Origins with WebKit LocalStorage data in every app (origin-named files, or the \"origin\" files of the iOS 16+ layout): each origin's domain is checked against indicators.",
  reads: {
    backup: [
      { domain: "AppDomain*", path: "Library/WebKit/WebsiteData/LocalStorage/**" },
      { domain: "AppDomain*", path: "Library/WebKit/WebsiteData/Default/*/*/LocalStorage/**" },
      { domain: "AppDomain*", path: "Library/WebKit/WebsiteData/Default/*/*/origin" },
    ],
    fs: [
      "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage/**",
      "private/var/mobile/Library/WebKit/WebsiteData/LocalStorage/**",
      // iOS 16+: per-origin folders named by salted hashes, each with an "origin" file
      "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/LocalStorage/**",
      "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/Default/*/*/origin",
    ],
  },
  records: (ctx) => webKitOrigins(ctx, ["/WebsiteData/LocalStorage/"], ["LocalStorage"]),
  events: (r) =>
    r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_local_storage", description: `WebKit Local Storage folder ${r.folder} containing file for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, "stored LocalStorage data in a WebKit view"),
});
