// SafariViewService is the in-app Safari sheet (SFSafariViewController) other apps open links
// in; its website data lives in the calling app's container under SystemData. Origin-named
// folders and files there show which sites were opened from inside apps (a common way exploit
// links sent by message are opened).
import { defineModule } from "../contract.ts";
import { checkWebKitOrigin, webKitOrigins, type WebKitOriginRecord } from "./lib/web.ts";
import { msg } from "../../core/i18n/index.ts";

export default defineModule<WebKitOriginRecord>({
  name: "webkit_safari_view_service",
  title: "SafariViewService website data origins",
  platform: "ios",
  description: "Origins with website data in SafariViewService (in-app browser sheets), from origin-named folders or iOS 16+ \"origin\" files: each origin's domain is checked against indicators.",
  reads: {
    fs: ["private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/**"],
  },
  records: (ctx) => webKitOrigins(ctx, ["/com.apple.SafariViewService/Library/WebKit/WebsiteData/"]),
  events: (r) =>
    r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_safari_view_service", description: `SafariViewService folder ${r.folder} containing data for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, msg("det.what.in_app_safari_view")),
});
