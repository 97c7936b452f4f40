// Coverage entries for what the traffic cannot show, each with its share of the traffic, added
// once per acquisition (by the first network module that runs). A share above zero, or a capture
// shorter than an hour, is a limit of the evidence: the traffic was read in full, but a name or
// certificate that crossed encrypted could not be compared with the indicators. Such entries are
// "checked" and `limited`, listed in the results, never read as clean, and not a reason for exit
// 20, which stays for traffic that could not be read (unreadable_traffic, a file that failed).
import type { ModuleContext } from "../../contract.ts";
import { english, msg } from "../../../core/i18n/index.ts";
import type { Coverage, Message } from "../../../core/model.ts";
import type { PassResult, Share } from "./pass.ts";

const covered = new WeakSet<object>();

/** A capture shorter than this says little: implants may call home hourly or daily. */
export const SHORT_CAPTURE_MS = 3_600_000;

/** A share in percent: exact when none or all, else with one decimal ("0.7%"). */
function pct(n: number, of: number): Message {
  if (of === 0 || n === 0 || n === of) return msg("net.cover.pct_exact", { p: of === 0 ? 0 : (100 * n) / of });
  return msg("net.cover.pct", { p: (100 * n) / of });
}

function size(b: number): Message {
  if (b < 1024) return msg("net.cover.size.b", { n: b });
  if (b < 1024 ** 2) return msg("net.cover.size.kb", { n: b / 1024 });
  if (b < 1024 ** 3) return msg("net.cover.size.mb", { n: b / 1024 ** 2 });
  return msg("net.cover.size.gb", { n: b / 1024 ** 3 });
}

/** A duration in units both languages write the same way ("5 min 3 s", "2 h 10 min"). */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "14 of 2,000 connections (0.7%), 1.2 MB of 3.4 GB of the traffic (0.0%)". */
export function shareText(s: Share, unit: Message): Message {
  const share = msg("net.cover.share", { n: s.n, of: s.of, unit, pct: pct(s.n, s.of) });
  if (!s.ofBytes) return share;
  return msg("net.cover.share_bytes", { share, bytes: size(s.bytes ?? 0), of: size(s.ofBytes), pct: pct(s.bytes ?? 0, s.ofBytes) });
}

/** A coverage reason Vigil writes: its English text, and its message for the report. */
function reason(m: Message): Pick<Coverage, "reason" | "reason_message"> {
  return { reason: english(m), reason_message: m };
}

/** The entry's title, from the catalogs (module.network.<name>), as module titles are. */
const title = (module: string) => english(msg(`module.network.${module}`));

function entry(module: string, s: Share, unit: Message, hidden: string, none: string): Omit<Coverage, "detections"> {
  const base = { module, title: title(module) };
  if (s.of === 0) return { ...base, status: "not_applicable", ...reason(msg(none)) };
  if (s.n === 0) return { ...base, status: "checked", records: s.of, ...reason(msg("net.cover.nothing_hidden", { share: shareText(s, unit) })) };
  return { ...base, status: "checked", limited: true, records: s.of, ...reason(msg(hidden, { share: shareText(s, unit) })) };
}

export function coverTraffic(ctx: ModuleContext, pass: PassResult): void {
  if (covered.has(ctx.view)) return;
  covered.add(ctx.view);
  const h = pass.hidden;
  const tlsQuic = msg("net.cover.unit.tls_quic");
  const connections = msg("net.cover.unit.connections");
  ctx.cover(entry("hidden_certificates", h.certificates, tlsQuic, "net.cover.hidden_certificates", "net.cover.no_tls"));
  ctx.cover(entry("encrypted_client_hello", h.ech, tlsQuic, "net.cover.encrypted_client_hello", "net.cover.no_tls"));
  ctx.cover(entry("encrypted_dns", h.encryptedDns, connections, "net.cover.encrypted_dns", "net.cover.no_connection"));
  ctx.cover(entry("tunnels", h.tunnels, connections, "net.cover.tunnels", "net.cover.no_connection"));
  if (h.first !== undefined && h.last !== undefined) {
    const span = h.last - h.first;
    const base = { module: "capture_length", title: title("capture_length") };
    ctx.cover(
      span < SHORT_CAPTURE_MS
        ? { ...base, status: "checked", limited: true, ...reason(msg("net.cover.short", { duration: duration(span) })) }
        : { ...base, status: "checked", ...reason(msg("net.cover.length", { duration: duration(span) })) },
    );
  }
  const problems = [...pass.fileErrors].map(([f, e]) => `${f}: ${e}`).concat([...pass.fileWarnings.values()].flat());
  if (problems.length) {
    ctx.cover({
      module: "unreadable_traffic",
      title: title("unreadable_traffic"),
      status: "failed",
      // The readers' own words, with how many more there are.
      ...(problems.length === 1 ? { reason: problems[0]! } : reason(msg("net.cover.unreadable_more", { first: problems[0]!, n: problems.length - 1 }))),
      warnings: problems,
    });
  }
}
