const INDICATOR_KINDS = [
  "domain",
  "ipv4",
  "ipv6",
  "url",
  "email",
  "process",
  "file_name",
  "file_path",
  "sha256",
  "sha1",
  "md5",
  "app_id",
  "app_cert_hash",
  "android_property",
  "configuration_profile"
];
export {
  INDICATOR_KINDS
};
