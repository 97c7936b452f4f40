// MVT's record fields that Vigil's iOS records carry, per Vigil module, compared with MVT's
// module sources (src/mvt/ios/modules/, commit dac4acb). Each field listed is in the module's
// records under MVT's name and with MVT's meaning (times as ISO 8601, where MVT writes its
// "YYYY-MM-DD HH:MM:SS.ffffff"); Vigil's own fields sit beside them, never in their place.
// docs/mvt-compatibility.md gives each list with the differences left and why; the tests check
// each list against the records the module emits on a fixture.

/** A record of MVT's columns copied as they are: MVT writes every column of the table, Vigil these. */
const SMS = ["ROWID", "guid", "service", "account", "handle_id", "phone_number", "text", "date", "isodate", "isodate_read", "direction", "is_from_me", "is_read", "cache_has_attachments", "item_type", "is_service_message", "destination_caller_id", "links"];
const WEBKIT_ORIGIN = ["folder", "url", "isodate"];
const PROCESS_USAGE = ["first_isodate", "isodate", "proc_name", "bundle_id", "proc_id", "wifi_in", "wifi_out", "wwan_in", "wwan_out", "live_id", "live_proc_id", "live_isodate"];

/** Vigil module name → MVT's field names its records carry. */
export const MVT_IOS_FIELDS: Record<string, readonly string[]> = {
  applications: ["sourceApp", "artistName", "softwareVersionBundleId", "itemName", "isodate", "file_path"],
  backup_info: ["Build Version", "Device Name", "Display Name", "GUID", "ICCID", "IMEI", "MEID", "Installed Applications", "Last Backup Date", "Phone Number", "Product Name", "Product Type", "Product Version", "Serial Number", "Target Identifier", "Target Type", "Unique Identifier", "iTunes Version"],
  cache_files: ["entry_id", "version", "hash_value", "storage_policy", "url", "isodate"],
  calendar: ["id", "summary", "description", "start_date", "end_date", "all_day", "calendar_id", "organizer_id", "url", "last_modified", "external_id", "external_mod_tag", "unique_identifier", "hidden", "uuid", "creation_date", "action", "created_by_id", "participant_uuid", "participant_email", "participant_phone", "participant_comment", "participant_last_modified"],
  calls: ["isodate", "duration", "location", "number", "provider"],
  chrome_favicon: ["url", "icon_url", "isodate"],
  chrome_history: ["id", "url", "visit_id", "isodate", "redirect_source"],
  configuration_profiles: ["file_id", "relative_path", "domain", "plist", "install_date"],
  contacts: ["value", "first", "middle", "last", "organization"],
  datausage: PROCESS_USAGE,
  filesystem: ["path", "modified"],
  firefox_favicon: ["id", "url", "width", "height", "type", "isodate", "history_id", "history_url"],
  firefox_history: ["id", "isodate", "url", "title", "type"],
  global_preferences: ["entry", "value"],
  idstatuscache: ["package", "user", "isodate", "idstatus", "occurrences"],
  interactionc: [
    "start_date", "end_date", "interactions_creation_date", "bundle_id", "target_bundle_id", "account", "direction", "mechanism", "is_response", "recipient_count",
    "domain_identifier", "group_name", "derivied_intent_id", "interaction_content_url", "location_uuid", "sender_display_name", "sender_identifier", "sender_personid",
    "custom_id", "incoming_recipient_count", "incoming_sender_count", "outgoing_recipient_count", "contacts_creation_date", "first_incoming_recipient_date",
    "first_incoming_sender_date", "first_outgoing_recipient_date", "last_incoming_sender_date", "last_incoming_recipient_date", "last_outgoing_recipient_date",
    "recipient_display_name", "recipient_identifier", "recipient_personid", "content", "uti", "attachment_content_url", "size", "photo_local_id", "attachment_id",
    "cloud_id", "table_id",
  ],
  keychain_analytics: ["isodate", "artifact"],
  locationd_clients: ["package"],
  manifest: ["file_id", "domain", "relative_path", "flags", "created", "modified", "status_changed", "mode", "owner", "size"],
  netusage: PROCESS_USAGE,
  os_analytics_ad_daily: ["package", "ts", "wifi_in", "wifi_out", "wwan_in", "wwan_out"],
  profile_events: ["profile_id", "timestamp", "operation", "process"],
  safari_browser_state: ["tab_title", "tab_url", "tab_visible_url", "last_viewed_timestamp", "session_data", "safari_browser_state_db"],
  safari_favicon: ["url", "icon_url", "isodate", "type", "safari_favicon_db_path"],
  safari_history: ["id", "url", "visit_id", "isodate", "redirect_source", "redirect_destination", "safari_history_db"],
  shortcuts: ["shortcut_id", "shortcut_name", "description", "isodate", "modified_date", "parsed_actions", "action_urls"],
  shutdown_log: ["isodate", "pid", "client", "delay", "times_delayed"],
  sms: SMS,
  sms_attachments: ["attachment_id", "guid", "filename", "transfer_name", "mime_type", "uti", "total_bytes", "is_sticker", "hide_attachment", "transfer_state", "has_user_info", "created_date", "isodate", "start_date", "direction", "service", "phone_number"],
  tcc: ["service", "client", "client_type", "last_modified"],
  webkit_indexeddb: WEBKIT_ORIGIN,
  webkit_local_storage: WEBKIT_ORIGIN,
  webkit_resource_load_statistics: ["domain_id", "registrable_domain", "had_user_interaction", "last_seen_isodate", "domain", "path", "most_recent_user_interaction_time", "most_recent_web_push_interaction_time"],
  webkit_safari_view_service: WEBKIT_ORIGIN,
  webkit_session_resource_log: ["origin", "redirect_source", "redirect_destination", "subframe_under_origin", "subresource_under_origin", "user_interaction", "most_recent_interaction", "last_seen"],
  whatsapp: ["Z_PK", "ZCHATSESSION", "ZFROMJID", "ZTOJID", "ZPUSHNAME", "ZTEXT", "ZMESSAGEDATE", "ZMESSAGETYPE", "ZISFROMME", "ZSTANZAID", "ZAUTHORNAME", "ZMEDIAURL", "ZMEDIALOCALPATH", "ZCONTENT1", "ZCONTENT2", "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE", "isodate", "links"],
  whatsapp_contacts: ["whatsapp_id", "lid", "phone_number", "localized_phone_number", "full_name", "given_name", "last_name", "user_name", "business_name", "about_text", "about_emoji", "notes", "disappearing_mode_duration", "disappearing_mode_timestamp", "about_timestamp", "about_expiration_timestamp", "last_updated", "phone_status", "sync_policy", "disappearing_mode_is_on", "disappearing_mode_label"],
};
