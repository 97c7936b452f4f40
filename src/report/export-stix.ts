// A results folder's indicator matches as a STIX 2.1 bundle, for the threat-intelligence tools
// teams exchange findings with: the device as an `identity` (model and OS only, never its name or
// serial), each matched indicator (its original STIX id when it came from a STIX file, else an
// `indicator` made here with its pattern), the matched value as a cyber observable inside an
// `observed-data`, and a `sighting` tying them together. Nothing else of the phone goes in: no
// message, no record, no title that could quote a sender; behaviour signs, which match no
// indicator, are not sightings and stay out.
import { createHash } from "node:crypto";
import type { Detection, DeviceInfo, IndicatorKind } from "../core/model.ts";
import { parseLooseTimestamp } from "../core/time.ts";
import type { LoadedResults } from "./load-results.ts";

/** STIX 2.1's namespace for deterministic cyber-observable ids (section 2.9). */
const SCO_NAMESPACE = "00abedb4-aa42-466c-9c01-fed23315a9b7";
/** Vigil's namespace for the ids of the other objects it makes, so an export reproduces. */
const VIGIL_NAMESPACE = "6f1b0a52-3c8e-5d6b-9a43-7e2d1c0b9f55";

/** A name-based (version 5) UUID, as RFC 4122 defines it. */
export function uuidv5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const h = createHash("sha1").update(ns).update(name, "utf8").digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

type StixObject = Record<string, unknown> & { type: string; id: string };

/** JSON with keys in order (STIX's canonical form for the few flat values hashed here). */
function canonical(o: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function sco(type: string, props: Record<string, unknown>, idProps: Record<string, unknown> = props): StixObject {
  return { type, spec_version: "2.1", id: `${type}--${uuidv5(SCO_NAMESPACE, canonical(idProps))}`, ...props };
}

const HASH_NAMES: Partial<Record<IndicatorKind, string>> = { sha256: "SHA-256", sha1: "SHA-1", md5: "MD5" };

/** The matched value as a cyber observable: the standard object where STIX has one, else Vigil's own `x-vigil-value`. */
function observable(kind: IndicatorKind, value: string): StixObject {
  switch (kind) {
    case "domain":
      return sco("domain-name", { value });
    case "url":
      return sco("url", { value });
    case "ipv4":
      return sco("ipv4-addr", { value });
    case "ipv6":
      return sco("ipv6-addr", { value });
    case "email":
      return sco("email-addr", { value });
    case "sha256":
    case "sha1":
    case "md5":
      return sco("file", { hashes: { [HASH_NAMES[kind]!]: value } });
    case "file_name":
      return sco("file", { name: value });
    case "file_path": {
      const cut = value.lastIndexOf("/");
      return sco("file", { name: value.slice(cut + 1) || value, x_vigil_path: value }, { name: value.slice(cut + 1) || value });
    }
    case "app_id":
      return sco("software", { name: value });
    default:
      // Process names, app signing and server certificates, TLS fingerprints, Android
      // properties and configuration profiles have no observable object of their own in STIX 2.1.
      return sco("x-vigil-value", { value, x_vigil_kind: kind }, { value, kind });
  }
}

/** A STIX pattern for an indicator Vigil did not read from STIX (MVT's object paths where MVT has one). */
function pattern(kind: IndicatorKind, value: string): string {
  const v = value.replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  const path: Record<IndicatorKind, string> = {
    domain: "domain-name:value",
    url: "url:value",
    ipv4: "ipv4-addr:value",
    ipv6: "ipv6-addr:value",
    email: "email-addr:value",
    process: "process:name",
    file_name: "file:name",
    file_path: "file:path",
    sha256: "file:hashes.'SHA-256'",
    sha1: "file:hashes.'SHA-1'",
    md5: "file:hashes.MD5",
    app_id: "app:id",
    app_cert_hash: "app:cert.sha256",
    android_property: "android-property:name",
    configuration_profile: "configuration-profile:id",
    ja3: "x-vigil-tls:ja3",
    ja4: "x-vigil-tls:ja4",
    tls_cert_hash: "x509-certificate:hashes.'SHA-256'",
  };
  return `[${path[kind]} = '${v}']`;
}

/** The device, as an identity that names only its platform, model and OS. */
function deviceIdentity(device: DeviceInfo | undefined, kind: string | undefined, key: string, created: string): StixObject {
  const what = [device?.model, device?.osVersion ? `${device.platform === "android" ? "Android" : "iOS"} ${device.osVersion}` : undefined].filter(Boolean).join(", ");
  return {
    type: "identity",
    spec_version: "2.1",
    id: `identity--${uuidv5(VIGIL_NAMESPACE, `device\0${key}`)}`,
    created,
    modified: created,
    name: `Checked device${what ? ` (${what})` : ""}`,
    identity_class: "system",
    ...(kind ? { x_vigil_acquisition_kind: kind } : {}),
  };
}

const STIX_ID = /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface StixOptions {
  /** When the export was made, for objects without a time of their own (default: the check's end). */
  now?: string;
}

/** The STIX 2.1 bundle of a results folder's indicator detections. */
export function stixBundle(results: LoadedResults, opts: StixOptions = {}): { type: "bundle"; id: string; objects: StixObject[] } {
  const info = results.info;
  // Times read back from a results folder may be any text: one that is no time is passed over.
  const created = [info?.finished, info?.started, opts.now].map((t) => t && parseLooseTimestamp(t)).find((t) => t) ?? new Date().toISOString();
  // The key ties every id to this results folder: the same folder always exports the same ids.
  const key = [info?.acquisition?.path ?? results.dir, info?.started ?? ""].join("\0");
  const identity = deviceIdentity(info?.device, results.kind, key, created);
  const objects = new Map<string, StixObject>([[identity.id, identity]]);
  const add = (o: StixObject) => {
    if (!objects.has(o.id)) objects.set(o.id, o);
  };
  for (const d of results.detections as Detection[]) {
    const mi = d.matched_indicator;
    if (d.kind !== "indicator" || !mi) continue;
    let indicatorId = mi.id && STIX_ID.test(mi.id) ? mi.id : undefined;
    if (!indicatorId) {
      indicatorId = `indicator--${uuidv5(VIGIL_NAMESPACE, `indicator\0${mi.type}\0${mi.value}`)}`;
      add({
        type: "indicator",
        spec_version: "2.1",
        id: indicatorId,
        created,
        modified: created,
        name: mi.value,
        description: `Indicator of ${mi.name} (${mi.source})`,
        indicator_types: ["malicious-activity"],
        pattern: pattern(mi.type, mi.value),
        pattern_type: "stix",
        valid_from: created,
      });
    }
    const seen = (d.timestamp && parseLooseTimestamp(d.timestamp)) || created;
    const value = observable(mi.type, d.matched);
    add(value);
    const detectionKey = `${key}\0${d.module}\0${mi.type}\0${mi.value}\0${d.matched}\0${d.timestamp ?? ""}\0${d.artifact}`;
    const observed: StixObject = {
      type: "observed-data",
      spec_version: "2.1",
      id: `observed-data--${uuidv5(VIGIL_NAMESPACE, `observed\0${detectionKey}`)}`,
      created,
      modified: created,
      first_observed: seen,
      last_observed: seen,
      number_observed: 1,
      object_refs: [value.id],
    };
    add(observed);
    add({
      type: "sighting",
      spec_version: "2.1",
      id: `sighting--${uuidv5(VIGIL_NAMESPACE, `sighting\0${detectionKey}`)}`,
      created,
      modified: created,
      first_seen: seen,
      last_seen: seen,
      count: 1,
      sighting_of_ref: indicatorId,
      observed_data_refs: [observed.id],
      where_sighted_refs: [identity.id],
      description: `Known ${mi.name} ${mi.type.replace(/_/g, " ")} found by Vigil in ${d.module}`,
      x_vigil_grade: d.grade,
      x_vigil_module: d.module,
      x_vigil_ioc_set: mi.name,
      x_vigil_ioc_source: mi.source,
      ...(mi.sha256 ? { x_vigil_ioc_sha256: mi.sha256 } : {}),
    });
  }
  return { type: "bundle", id: `bundle--${uuidv5(VIGIL_NAMESPACE, `bundle\0${key}`)}`, objects: [...objects.values()] };
}
