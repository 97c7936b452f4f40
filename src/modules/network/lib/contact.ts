// What the network modules say about a match, in one place so that a lookup, a contact and a
// fingerprint read the same in every module and in docs/rules.md.
import { msg } from "../../../core/i18n/index.ts";
import type { Grade, Message } from "../../../core/model.ts";

/** A DNS lookup alone: a visit attempt. */
export const LOOKUP: { grade: Grade; why: Message } = { grade: "medium", why: msg("det.net.lookup.why") };

/** A connection: TLS or QUIC server name, HTTP Host, or an address (or one a known name resolved to). */
export const CONTACT: { grade: Grade; why: Message } = { grade: "medium", why: msg("det.net.contact.why") };

/** The server presented a certificate known from spyware infrastructure. */
export const CERT: { grade: Grade; why: Message } = { grade: "medium", why: msg("det.net.cert.why") };

/** JA3/JA4 client fingerprints. */
export const FINGERPRINT: { grade: Grade; why: Message } = { grade: "weak", why: msg("det.net.fingerprint.why") };

/** " by <app>" when the source names the app (timeline descriptions, in English). */
export function by(app: string | undefined): string {
  return app ? ` by ${app}` : "";
}

/** The same for a detection's title: a catalog message, or nothing. */
export function byApp(app: string | undefined): Message | "" {
  return app ? msg("det.net.by", { app }) : "";
}

/** "host:port", bracketing IPv6 addresses. */
export function hostPort(host: string | undefined, port: number | undefined): string {
  const h = host ?? "?";
  const shown = h.includes(":") ? `[${h}]` : h;
  return port !== undefined ? `${shown}:${port}` : shown;
}
