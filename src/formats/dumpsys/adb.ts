// dumpsys adb: the adb state and the public keys allowed to connect.
import { createHash } from "node:crypto";
import { fromUnixMillis } from "../../core/time.ts";
import { hasLineBreak } from "./text.ts";

export interface AdbKey {
  /** The base64 public key as adb writes it. */
  key: string;
  /** The "user@host" comment after the key. */
  comment?: string;
  /** MD5 of the decoded key, colon-separated, as adb shows it (last_key_received). */
  fingerprint?: string;
  /** From the keystore: last time this key connected (UTC, the keystore stores Unix ms). */
  last_connection?: string;
  source: "user_keys" | "system_keys" | "keystore";
}

export interface AdbState {
  connected_to_adb?: boolean;
  last_key_received?: string;
  keys: AdbKey[];
  wifi_enabled?: boolean;
}

// A key and its "user@host" comment, as they stay readable inside the binary (ABX) keystore.
const ADB_KEY_RE = /(QAAAA[A-Za-z0-9+/]{100,}={0,2})(?: ([\w.-]+@[\w.-]+))?/g;

export function adbKeyFingerprint(key: string): string | undefined {
  try {
    const raw = Buffer.from(key, "base64");
    if (raw.length < 16) return undefined;
    return createHash("md5").update(raw).digest("hex").toUpperCase().match(/../g)!.join(":");
  } catch {
    return undefined;
  }
}

export function parseAdb(lines: string[]): AdbState {
  const state: AdbState = { keys: [] };
  const seen = new Map<string, AdbKey>();
  const addKey = (key: string, source: AdbKey["source"], comment?: string, last?: string) => {
    const prev = seen.get(key);
    if (prev) {
      if (last && !prev.last_connection) prev.last_connection = last;
      if (comment && !prev.comment) prev.comment = comment;
      return;
    }
    const k: AdbKey = { key, comment, fingerprint: adbKeyFingerprint(key), last_connection: last, source };
    seen.set(key, k);
    state.keys.push(k);
  };
  let mode: "user_keys" | "system_keys" | "keystore" | undefined;
  for (const line of lines) {
    const t = line.trim();
    const kv = /^([a-z_]+)=(.*)$/.exec(t);
    if (kv && kv[1] !== "key") {
      mode = undefined;
      const [, k, v] = kv;
      if (k === "connected_to_adb") state.connected_to_adb = v === "true";
      else if (k === "last_key_received") state.last_key_received = v;
      else if (k === "enabled" && state.wifi_enabled === undefined) state.wifi_enabled = v === "true";
      else if (k === "user_keys" || k === "system_keys") mode = k;
      else if (k === "keystore") mode = "keystore";
      if (mode) handle(v);
      continue;
    }
    if (t === "" && mode !== "keystore") {
      mode = undefined;
      continue;
    }
    if (mode) handle(t);
  }
  function handle(text: string) {
    if (!mode) return;
    if (mode === "keystore") {
      // XML keystore: <adbKey key="..." lastConnection="ms" />. The binary (ABX) keystore of
      // Android 12+ keeps the keys readable as text but not the time.
      const x = /<adbKey key="([^"]+)" lastConnection="(\d+)"/.exec(text);
      if (x) {
        const [key, ...c] = x[1].split(" ");
        // A time past year 275760 is no date (undefined), not an exception.
        addKey(key, "keystore", c.join(" ") || undefined, fromUnixMillis(Number(x[2])));
        return;
      }
      for (const m of text.matchAll(ADB_KEY_RE)) addKey(m[1], "keystore", m[2]);
      if (text.includes("</keyStore>")) mode = undefined;
      return;
    }
    // The key, then a comment after whitespace, as /^(QAAAA…)(?:\s+(.*))?$/ read it; in two
    // steps, since that expression tried every split of a long run of spaces before a line break.
    const line = text.trim();
    const m = /^QAAAA[A-Za-z0-9+/]+={0,2}/.exec(line);
    const after = m ? line.slice(m[0].length) : "";
    const comment = after.trimStart();
    if (m && (after === "" || (comment !== after && !hasLineBreak(comment)))) addKey(m[0], mode, comment.trim() || undefined);
  }
  return state;
}
