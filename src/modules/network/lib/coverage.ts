// Coverage entries for what the traffic cannot show, each with its share of the traffic, added
// once per acquisition (by the first network module that runs). A share above zero, or a capture
// shorter than an hour, is a limit of the evidence: the traffic was read in full, but a name or
// certificate that crossed encrypted could not be compared with the indicators. Such entries are
// "checked" and `limited`, listed in the results, never read as clean, and not a reason for exit
// 20, which stays for traffic that could not be read (unreadable_traffic, a file that failed).
import type { ModuleContext } from "../../contract.ts";
import type { Coverage } from "../../../core/model.ts";
import type { PassResult, Share } from "./pass.ts";

const covered = new WeakSet<object>();

/** A capture shorter than this says little: implants may call home hourly or daily. */
export const SHORT_CAPTURE_MS = 3_600_000;

const pct = (n: number, of: number) => (of === 0 ? "0%" : `${((100 * n) / of).toFixed(n === of || n === 0 ? 0 : 1)}%`);
const fmt = (n: number) => n.toLocaleString("en");

function size(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toFixed(1)} MB`;
  return `${(b / 1024 ** 3).toFixed(2)} GB`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "14 of 2,000 connections (0.7%), 1.2 MB of 3.4 GB of the traffic (0.0%)". */
export function shareText(s: Share, unit: string): string {
  let t = `${fmt(s.n)} of ${fmt(s.of)} ${unit} (${pct(s.n, s.of)})`;
  if (s.ofBytes) t += `, ${size(s.bytes ?? 0)} of ${size(s.ofBytes)} of the traffic (${pct(s.bytes ?? 0, s.ofBytes)})`;
  return t;
}

function entry(module: string, title: string, s: Share, unit: string, hiddenWhy: string, none: string): Omit<Coverage, "detections"> {
  if (s.of === 0) return { module, title, status: "not_applicable", reason: none };
  if (s.n === 0) return { module, title, status: "checked", records: s.of, reason: `nothing hidden: ${shareText(s, unit)}` };
  return { module, title, status: "checked", limited: true, records: s.of, reason: `${hiddenWhy}: ${shareText(s, unit)}` };
}

export function coverTraffic(ctx: ModuleContext, pass: PassResult): void {
  if (covered.has(ctx.view)) return;
  covered.add(ctx.view);
  const h = pass.hidden;
  ctx.cover(entry("hidden_certificates", "Server certificates hidden by TLS 1.3 and QUIC", h.certificates, "TLS/QUIC connections", "TLS 1.3 and QUIC encrypt the server's certificate, so it could not be compared with certificate indicators", "no TLS or QUIC connection in this traffic"));
  ctx.cover(entry("encrypted_client_hello", "Server names hidden by Encrypted Client Hello", h.ech, "TLS/QUIC connections", "Encrypted Client Hello hides the real server name (only the provider's public name is visible)", "no TLS or QUIC connection in this traffic"));
  ctx.cover(entry("encrypted_dns", "Names hidden by encrypted DNS (DoH, DoT)", h.encryptedDns, "connections", "DNS over HTTPS or TLS to a public resolver hides the names the phone looked up", "no connection in this traffic"));
  ctx.cover(entry("tunnels", "Traffic inside VPN tunnels or iCloud Private Relay", h.tunnels, "connections", "A VPN or relay tunnel hides every name and address inside it", "no connection in this traffic"));
  if (h.first !== undefined && h.last !== undefined) {
    const span = h.last - h.first;
    ctx.cover(
      span < SHORT_CAPTURE_MS
        ? { module: "capture_length", title: "Length of the traffic", status: "checked", limited: true, reason: `the traffic covers ${duration(span)}, less than an hour: spyware that calls home hourly or less often may not appear in it` }
        : { module: "capture_length", title: "Length of the traffic", status: "checked", reason: `the traffic covers ${duration(span)}` },
    );
  }
  const problems = [...pass.fileErrors].map(([f, e]) => `${f}: ${e}`).concat([...pass.fileWarnings.values()].flat());
  if (problems.length) {
    ctx.cover({
      module: "unreadable_traffic",
      title: "Parts of the captures and logs that could not be read",
      status: "failed",
      reason: problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more, see warnings)`,
      warnings: problems,
    });
  }
}
