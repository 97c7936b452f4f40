import { defineModule } from "../../core/module.js";
import { checkWebKitOrigin, webKitOrigins } from "./lib/web.js";
var webkit_safariviewservice_default = defineModule({
  name: "webkit_safari_view_service",
  title: "SafariViewService website data origins",
  platform: "ios",
  description: `Origins with website data in SafariViewService (in-app browser sheets), from origin-named folders or iOS 16+ "origin" files: each origin's domain is checked against indicators.`,
  reads: {
    fs: ["private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/**"]
  },
  records: (ctx) => webKitOrigins(ctx, ["/com.apple.SafariViewService/Library/WebKit/WebsiteData/"]),
  events: (r) => r.timestamp ? [{ timestamp: r.timestamp, event: "webkit_safari_view_service", description: `SafariViewService folder ${r.folder} containing data for URL ${r.url}` }] : [],
  check: (r, ctx) => checkWebKitOrigin(r, ctx, "opened in an in-app Safari view")
});
export {
  webkit_safariviewservice_default as default
};
