// What the network modules say about a match, in one place so that a lookup, a contact and a
// fingerprint read the same in every module and in docs/rules.md.
import type { Grade } from "../../../core/model.ts";

/** A DNS lookup alone: a visit attempt. */
export const LOOKUP: { grade: Grade; why: string } = {
  grade: "medium",
  why: "A DNS lookup shows that something on the phone asked for this name: a visit attempt. On its own it does not show that a connection followed.",
};

/** A connection: TLS or QUIC server name, HTTP Host, or an address (or one a known name resolved to). */
export const CONTACT: { grade: Grade; why: string } = {
  grade: "medium",
  why: "The phone connected to this known spyware server (contact), as the traffic shows.",
};

/** The server presented a certificate known from spyware infrastructure. */
export const CERT: { grade: Grade; why: string } = {
  grade: "medium",
  why: "The server the phone connected to presented a certificate known from spyware infrastructure (contact).",
};

/** JA3/JA4 client fingerprints. */
export const FINGERPRINT: { grade: Grade; why: string } = {
  grade: "weak",
  why: "The phone's TLS client sent the same handshake as a known spyware client. Every app built on the same TLS library shares a fingerprint, so this alone is only worth a look.",
};

/** " by <app>" when the source names the app. */
export function by(app: string | undefined): string {
  return app ? ` by ${app}` : "";
}

/** "host:port", bracketing IPv6 addresses. */
export function hostPort(host: string | undefined, port: number | undefined): string {
  const h = host ?? "?";
  const shown = h.includes(":") ? `[${h}]` : h;
  return port !== undefined ? `${shown}:${port}` : shown;
}
