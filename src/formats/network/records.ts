// The records every network source is turned into: a packet capture, Zeek logs, Suricata's
// eve.json, PCAPdroid's CSV and the iPhone App Privacy Report all give the same shapes, so the
// modules check them one way. Field names follow Zeek's where Zeek has one (query, server_name,
// host, uri), with addresses as client/server (who opened the connection and who answered).

/** Where a record came from. */
export type NetSource = "capture" | "zeek" | "suricata" | "pcapdroid" | "app_privacy_report";

interface Base {
  /** UTC ISO-8601. */
  timestamp: string;
  /** The file inside the acquisition that held it. */
  file: string;
  source: NetSource;
}

interface Endpoints {
  client_ip?: string;
  client_port?: number;
  server_ip?: string;
  server_port?: number;
}

export interface DnsRecord extends Base, Endpoints {
  transport?: "udp" | "tcp";
  id?: number;
  query: string;
  qtype?: string;
  /** NOERROR, NXDOMAIN, SERVFAIL...; absent when no answer was seen. */
  rcode?: string;
  answered: boolean;
  /** A and AAAA data of the answer, in order. */
  answer_ips: string[];
  /** CNAME targets of the answer, in chain order. */
  cnames: string[];
  /** Smallest TTL of the answer's address records. */
  ttl?: number;
  /** The app that made the lookup, when the source names it. */
  app?: string;
}

export interface TlsRecord extends Base, Endpoints {
  server_name?: string;
  alpn?: string[];
  /** Versions the client offered (supported_versions), or its legacy version. */
  client_versions?: string[];
  /** Negotiated version, from the ServerHello. */
  version?: string;
  cipher?: string;
  ja3?: string;
  ja3_string?: string;
  ja4?: string;
  /** The client sent an Encrypted Client Hello: server_name is only the public, outer name. */
  ech?: boolean;
  /** SHA-1 and SHA-256 of the server's leaf certificate, when it crossed in the clear. */
  cert_sha1?: string;
  cert_sha256?: string;
  app?: string;
}

export interface QuicRecord extends Base, Endpoints {
  quic_version?: string;
  server_name?: string;
  alpn?: string[];
  ja4?: string;
  ech?: boolean;
  app?: string;
}

export interface HttpRecord extends Base, Endpoints {
  method?: string;
  host?: string;
  uri?: string;
  /** Absolute URL rebuilt from Host and the request target. */
  url?: string;
  user_agent?: string;
  status?: number;
  app?: string;
}

export interface CertRecord extends Base {
  server_ip?: string;
  server_port?: number;
  server_name?: string;
  /** 0 for the server's own certificate, then the chain. */
  position?: number;
  cert_sha1?: string;
  cert_sha256?: string;
  subject?: string;
  issuer?: string;
  not_before?: string;
  not_after?: string;
  serial?: string;
}

export interface FlowRecord extends Base {
  last_timestamp?: string;
  proto: string;
  src_ip: string;
  src_port?: number;
  dst_ip: string;
  dst_port?: number;
  packets?: number;
  bytes?: number;
  bytes_out?: number;
  bytes_in?: number;
  /** tls, quic, http, dns... when the traffic said so. */
  app_protocol?: string;
  server_name?: string;
  tls_version?: string;
  ech?: boolean;
  /** Names the capture's own DNS answers gave for dst_ip before this flow started (added by the check). */
  resolved_names?: string[];
  app?: string;
  /** The flow was still open when the capture ended or it was closed to bound memory. */
  open?: boolean;
}

export interface AlertRecord extends Base, Endpoints {
  proto?: string;
  signature: string;
  signature_id?: number;
  category?: string;
  severity?: number;
  action?: string;
}

/** One entry of the iPhone App Privacy Report. */
export interface AppActivityRecord extends Base {
  kind: "network" | "access";
  bundle_id?: string;
  domain?: string;
  domain_owner?: string;
  domain_type?: string;
  /** Network: the website the app was showing ("context"), when it was a browser. */
  context?: string;
  hits?: number;
  first_timestamp?: string;
  /** Access: what was used (camera, microphone, contacts, location...). */
  category?: string;
  access_kind?: string;
}

/** Everything a network source can give, tagged by kind. */
export type NetRecord =
  | { kind: "dns"; r: DnsRecord }
  | { kind: "tls"; r: TlsRecord }
  | { kind: "quic"; r: QuicRecord }
  | { kind: "http"; r: HttpRecord }
  | { kind: "cert"; r: CertRecord }
  | { kind: "flow"; r: FlowRecord }
  | { kind: "alert"; r: AlertRecord }
  | { kind: "app_activity"; r: AppActivityRecord };

export type NetKind = NetRecord["kind"];
export type NetSink = (rec: NetRecord) => void;
