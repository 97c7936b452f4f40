import backupInfo from "./backup-info.js";
import manifest from "./manifest.js";
import datausage from "./datausage.js";
import netusage from "./netusage.js";
import tcc from "./tcc.js";
import globalPreferences from "./global-preferences.js";
import osAnalyticsAdDaily from "./os-analytics-ad-daily.js";
import locationd from "./locationd.js";
import configurationProfiles from "./configuration-profiles.js";
import profileEvents from "./profile-events.js";
import applications from "./applications.js";
import filesystem from "./filesystem.js";
import shutdownLog from "./shutdown-log.js";
import crashReports from "./crash-reports.js";
import sysdiagnoseProcesses from "./sysdiagnose-processes.js";
import sysdiagnoseInfo from "./sysdiagnose-info.js";
import keychainAnalytics from "./keychain-analytics.js";
import iosVersions from "./ios-versions.js";
import sms from "./sms.js";
import smsAttachments from "./sms-attachments.js";
import calls from "./calls.js";
import contacts from "./contacts.js";
import calendar from "./calendar.js";
import whatsapp from "./whatsapp.js";
import whatsappChatSessions from "./whatsapp-chat-sessions.js";
import whatsappLid from "./whatsapp-lid.js";
import whatsappContacts from "./whatsapp-contacts.js";
import safariHistory from "./safari-history.js";
import safariBrowserState from "./safari-browser-state.js";
import safariFavicon from "./safari-favicon.js";
import webkitResourceLoadStatistics from "./webkit-resource-load-statistics.js";
import webkitSessionResourceLog from "./webkit-session-resource-log.js";
import webkitIndexedDb from "./webkit-indexeddb.js";
import webkitLocalStorage from "./webkit-localstorage.js";
import webkitSafariViewService from "./webkit-safariviewservice.js";
import chromeHistory from "./chrome-history.js";
import chromeFavicon from "./chrome-favicon.js";
import firefoxHistory from "./firefox-history.js";
import firefoxFavicon from "./firefox-favicon.js";
import cacheFiles from "./cache-files.js";
import shortcuts from "./shortcuts.js";
import idstatuscache from "./idstatuscache.js";
import interactionc from "./interactionc.js";
const iosModules = [
  backupInfo,
  manifest,
  datausage,
  netusage,
  tcc,
  globalPreferences,
  osAnalyticsAdDaily,
  locationd,
  configurationProfiles,
  profileEvents,
  applications,
  sysdiagnoseInfo,
  iosVersions,
  shutdownLog,
  crashReports,
  sysdiagnoseProcesses,
  keychainAnalytics,
  filesystem,
  sms,
  smsAttachments,
  calls,
  contacts,
  calendar,
  whatsapp,
  whatsappChatSessions,
  whatsappLid,
  whatsappContacts,
  safariHistory,
  safariBrowserState,
  safariFavicon,
  webkitResourceLoadStatistics,
  webkitSessionResourceLog,
  webkitIndexedDb,
  webkitLocalStorage,
  webkitSafariViewService,
  chromeHistory,
  chromeFavicon,
  firefoxHistory,
  firefoxFavicon,
  cacheFiles,
  shortcuts,
  idstatuscache,
  interactionc
];
export {
  iosModules
};
