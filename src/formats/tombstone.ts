// Android tombstones (native crash reports written by debuggerd to /data/tombstones): the text
// form ("*** *** ***" banner, then "pid: P, tid: T, name: N  >>> cmd <<<", "uid:", "signal ...")
// and, since Android 12, the protobuf form (tombstone_NN.pb, message Tombstone of AOSP's
// system/core/debuggerd/proto/tombstone.proto). Only the header fields are decoded.
import { createRequire } from "node:module";
import type protobuf from "protobufjs";
import { VigilError } from "../core/errors.ts";
import { trimEndOf } from "../core/trim.ts";
import { parseLooseTimestamp } from "../core/time.ts";

export interface Tombstone {
  build_fingerprint?: string;
  revision?: string;
  arch?: string;
  /** The crash time as the tombstone writes it (device local time with its UTC offset). */
  timestamp_raw?: string;
  /** UTC ISO; read as UTC when the tombstone gives no offset (see timestamp_is_device_local). */
  timestamp?: string;
  /** Set when the tombstone's time has no UTC offset (device wall clock). */
  timestamp_is_device_local?: true;
  pid: number;
  tid?: number;
  uid?: number;
  /** Process name: the first command-line argument ("/system/bin/mediaserver", "com.whatsapp"). */
  process_name?: string;
  command_line?: string[];
  /** Name of the crashing thread. */
  thread_name?: string;
  selinux_label?: string;
  process_uptime?: number;
  signal_info?: { number?: number; name?: string; code?: number; code_name?: string; fault_address?: string };
  abort_message?: string;
  cause?: string;
  format: "text" | "protobuf";
}

const ARCH = ["arm", "arm64", "x86", "x86_64", "riscv64"];

// Field numbers from tombstone.proto; everything not listed is skipped by the decoder.
const PROTO = `
syntax = "proto3";
message Tombstone {
  uint32 arch = 1;
  string build_fingerprint = 2;
  string revision = 3;
  string timestamp = 4;
  uint32 pid = 5;
  uint32 tid = 6;
  uint32 uid = 7;
  string selinux_label = 8;
  repeated string command_line = 9;
  Signal signal_info = 10;
  string abort_message = 14;
  repeated Cause causes = 15;
  map<uint32, Thread> threads = 16;
  uint32 process_uptime = 20;
}
message Signal {
  int32 number = 1;
  string name = 2;
  int32 code = 3;
  string code_name = 4;
  bool has_sender = 5;
  int32 sender_uid = 6;
  int32 sender_pid = 7;
  bool has_fault_address = 8;
  uint64 fault_address = 9;
}
message Cause { string human_readable = 1; }
message Thread { int32 id = 1; string name = 2; }
`;
let tombstoneType: protobuf.Type | undefined;
function type(): protobuf.Type {
  if (!tombstoneType) {
    // Required on first use, not at startup: only Android tombstones need protobufjs.
    const pb = createRequire(import.meta.url)("protobufjs") as typeof protobuf;
    tombstoneType = pb.parse(PROTO, { keepCase: true }).root.lookupType("Tombstone");
  }
  return tombstoneType;
}

export function parseTombstoneProto(data: Buffer, file: string): Tombstone {
  let msg: Record<string, any>;
  try {
    msg = type().toObject(type().decode(data), { longs: String, defaults: false }) as Record<string, any>;
  } catch (e) {
    throw new VigilError(`not a tombstone protobuf (${(e as Error).message.split("\n")[0]})`, { file });
  }
  if (!msg.pid || (!msg.build_fingerprint && !msg.command_line?.length)) {
    throw new VigilError("not a tombstone protobuf (no pid or build fingerprint)", { file });
  }
  const sig = msg.signal_info as Record<string, any> | undefined;
  const thread = msg.threads?.[String(msg.tid)] as { name?: string } | undefined;
  const cmd: string[] = msg.command_line ?? [];
  return {
    build_fingerprint: msg.build_fingerprint,
    revision: msg.revision,
    arch: ARCH[msg.arch ?? 0],
    timestamp_raw: msg.timestamp,
    timestamp: msg.timestamp ? parseLooseTimestamp(msg.timestamp) : undefined,
    timestamp_is_device_local: msg.timestamp && !HAS_OFFSET.test(msg.timestamp) ? true : undefined,
    pid: msg.pid,
    tid: msg.tid,
    uid: msg.uid ?? 0,
    process_name: cmd[0],
    command_line: cmd,
    thread_name: thread?.name,
    selinux_label: msg.selinux_label === undefined ? undefined : trimEndOf(msg.selinux_label, "\0"),
    process_uptime: msg.process_uptime,
    signal_info: sig
      ? {
          number: sig.number ?? 0,
          name: sig.name,
          code: sig.code ?? 0,
          code_name: sig.code_name,
          fault_address: sig.has_fault_address && sig.fault_address !== undefined ? "0x" + BigInt(sig.fault_address).toString(16) : undefined,
        }
      : undefined,
    abort_message: msg.abort_message,
    cause: msg.causes?.[0]?.human_readable,
    format: "protobuf",
  };
}

const HAS_OFFSET = /(Z|[+-]\d\d:?\d\d)$/;
const HEAD_START = /^pid: (\d+), tid: (\d+), name: /;
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * The "pid: P, tid: T, name: N  >>> cmd <<<" line, read in one forward pass: the thread name
 * runs to the first whitespace before a ">>> ", the command from there to the last " <<<". A
 * regular expression doing the same backtracked once per ">>> " on a damaged line repeating it
 * (quadratic: minutes for a line of 600 KB).
 */
function headLine(line: string): { pid: number; tid: number; name: string; command: string } | undefined {
  const m = HEAD_START.exec(line);
  if (!m) return undefined;
  const rest = line.slice(m[0].length);
  const end = rest.trimEnd();
  if (!end.endsWith(" <<<")) return undefined;
  let k = rest.indexOf(">>> ");
  while (k >= 0 && !isSpace(rest[k - 1])) k = rest.indexOf(">>> ", k + 1);
  if (k < 0 || k + 4 > end.length - 4) return undefined;
  let a = k - 1;
  while (a > 0 && isSpace(rest[a - 1])) a--;
  return { pid: Number(m[1]), tid: Number(m[2]), name: rest.slice(0, a), command: end.slice(k + 4, end.length - 4) };
}
const SIGNAL_RE = /^signal (-?\d+) \((\w+)\), code (-?\d+) \(([^)]*)\)(?:, fault addr (\S+))?/;

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith("'") && v.endsWith("'") ? v.slice(1, -1) : v;
}

/** Header of a text tombstone (the first crash when a file holds several). */
export function parseTombstoneText(text: string, file: string): Tombstone {
  const t: Partial<Tombstone> & { format: "text" } = { format: "text" };
  let seenBanner = false;
  const lines = text.split("\n", 400);
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.startsWith("*** *** ***")) {
      if (seenBanner && t.pid !== undefined) break;
      seenBanner = true;
      continue;
    }
    if (line.startsWith("backtrace:") || line.startsWith("    r0 ") || line.startsWith("    x0 ")) {
      if (t.pid !== undefined) break;
    }
    const sep = line.indexOf(": ");
    const key = sep > 0 ? line.slice(0, sep) : "";
    const val = sep > 0 ? line.slice(sep + 2).trim() : "";
    switch (key) {
      case "Build fingerprint":
        t.build_fingerprint = unquote(val);
        continue;
      case "Revision":
        t.revision = unquote(val);
        continue;
      case "ABI":
        t.arch = unquote(val);
        continue;
      case "Timestamp":
        t.timestamp_raw = val;
        t.timestamp = parseLooseTimestamp(val);
        if (!HAS_OFFSET.test(val)) t.timestamp_is_device_local = true;
        continue;
      case "Process uptime":
        t.process_uptime = parseInt(val, 10);
        continue;
      case "Cmdline":
        t.command_line = val.split(" ");
        continue;
      case "uid":
        t.uid = Number(val);
        continue;
      case "Abort message":
        t.abort_message = unquote(val);
        continue;
      case "Cause":
        t.cause ??= val;
        continue;
    }
    const h = t.pid === undefined ? headLine(line) : undefined;
    if (h) {
      t.pid = h.pid;
      t.tid = h.tid;
      t.thread_name = h.name;
      t.process_name = h.command.split(" ")[0];
      t.command_line ??= h.command.split(" ");
      continue;
    }
    const s = SIGNAL_RE.exec(line);
    if (s && !t.signal_info) {
      t.signal_info = { number: Number(s[1]), name: s[2], code: Number(s[3]), code_name: s[4], fault_address: s[5] && !s[5].startsWith("-") ? s[5] : undefined };
    }
  }
  if (t.pid === undefined) throw new VigilError('not a tombstone (no "pid: P, tid: T, name: ..." line)', { file });
  if (t.command_line?.length) t.process_name = t.command_line[0];
  return t as Tombstone;
}

/** Either form: ".pb" files are protobuf; otherwise text unless the bytes are binary. */
export function parseTombstone(data: Buffer, file: string): Tombstone {
  if (file.endsWith(".pb")) return parseTombstoneProto(data, file);
  const head = data.subarray(0, 4096);
  // Protobuf starts with field tags and length bytes; text tombstones are printable lines.
  const binary = head.some((b) => b < 9 || (b > 13 && b < 32));
  return binary ? parseTombstoneProto(data, file) : parseTombstoneText(data.toString("utf8"), file);
}
