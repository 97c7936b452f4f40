// Every iOS module, in the order they run. Add one import and one array entry per module.
import type { ModuleDef } from "../contract.ts";
import backupInfo from "./backup-info.ts";
import manifest from "./manifest.ts";
import datausage from "./datausage.ts";
import netusage from "./netusage.ts";
import tcc from "./tcc.ts";
import globalPreferences from "./global-preferences.ts";
import osAnalyticsAdDaily from "./os-analytics-ad-daily.ts";
import locationd from "./locationd.ts";
import configurationProfiles from "./configuration-profiles.ts";
import profileEvents from "./profile-events.ts";
import applications from "./applications.ts";
import filesystem from "./filesystem.ts";
import shutdownLog from "./shutdown-log.ts";
import crashReports from "./crash-reports.ts";
import sysdiagnoseProcesses from "./sysdiagnose-processes.ts";
import sysdiagnoseInfo from "./sysdiagnose-info.ts";
import keychainAnalytics from "./keychain-analytics.ts";
import iosVersions from "./ios-versions.ts";
import sms from "./sms.ts";
import smsAttachments from "./sms-attachments.ts";
import calls from "./calls.ts";
import contacts from "./contacts.ts";
import accounts from "./accounts.ts";
import calendar from "./calendar.ts";
import whatsapp from "./whatsapp.ts";
import whatsappChatSessions from "./whatsapp-chat-sessions.ts";
import whatsappLid from "./whatsapp-lid.ts";
import whatsappContacts from "./whatsapp-contacts.ts";
import whatsappCalls from "./whatsapp-calls.ts";
import whatsappGroups from "./whatsapp-groups.ts";
import whatsappMedia from "./whatsapp-media.ts";
import safariHistory from "./safari-history.ts";
import safariBrowserState from "./safari-browser-state.ts";
import safariFavicon from "./safari-favicon.ts";
import webkitResourceLoadStatistics from "./webkit-resource-load-statistics.ts";
import webkitSessionResourceLog from "./webkit-session-resource-log.ts";
import webkitIndexedDb from "./webkit-indexeddb.ts";
import webkitLocalStorage from "./webkit-localstorage.ts";
import webkitSafariViewService from "./webkit-safariviewservice.ts";
import chromeHistory from "./chrome-history.ts";
import chromeFavicon from "./chrome-favicon.ts";
import firefoxHistory from "./firefox-history.ts";
import firefoxFavicon from "./firefox-favicon.ts";
import cacheFiles from "./cache-files.ts";
import shortcuts from "./shortcuts.ts";
import idstatuscache from "./idstatuscache.ts";
import interactionc from "./interactionc.ts";

export const iosModules: ModuleDef<any>[] = [
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
  accounts,
  calendar,
  whatsapp,
  whatsappChatSessions,
  whatsappLid,
  whatsappContacts,
  whatsappCalls,
  whatsappGroups,
  whatsappMedia,
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
  interactionc,
];
