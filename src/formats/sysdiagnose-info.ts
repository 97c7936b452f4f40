// Small sysdiagnose files that describe the device and the capture: the archive's name,
// remotectl_dumpstate.txt and MobileActivation's request log. Kept apart from the opener so
// modules can read them without importing the acquisition (which imports the module registry).
import { basename } from "node:path";
import { fromOffsetDateTime } from "../core/time.ts";

export const SYSDIAGNOSE_NAME = /^sysdiagnose_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})-(\d{2})-(\d{2})([+-]\d{4})_(.+?)(?:\.tar\.gz|\.tgz|\.tar)?$/;

export interface SysdiagnoseName {
  /** UTC ISO time the sysdiagnose was taken. */
  created: string;
  /** "+0200": the phone's time zone then. */
  utcOffset: string;
  /** Last "_" field of the name, the OS build on iPhones ("23A341"). */
  build?: string;
  /** The part after the time: "iPhone-OS_iPhone_23A341". */
  device: string;
}

/** Reads the creation time and build from a sysdiagnose file or folder name. */
export function parseSysdiagnoseName(name: string): SysdiagnoseName | undefined {
  const m = SYSDIAGNOSE_NAME.exec(basename(name));
  if (!m) return undefined;
  const created = fromOffsetDateTime(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} ${m[7]}`);
  if (!created) return undefined;
  const last = m[8].split("_").pop();
  return { created, utcOffset: m[7], device: m[8], build: last && /^\d{2}[A-Z]\d+[a-z]?$/.test(last) ? last : undefined };
}

/** The "Properties: {" block of remotectl_dumpstate.txt as key → value. */
export function parseRemotectlProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    if (!inside) {
      inside = /^\s*Properties: \{\s*$/.test(line);
      continue;
    }
    if (/^\s*\}\s*$/.test(line)) break;
    const i = line.indexOf("=>");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 2).trim();
  }
  return out;
}

/**
 * The JSON body of MobileActivation's collection_oob_request.txt, when present: from the first
 * "BODY:", blanks and "{" to the first "}" that ends the block (blanks then the end of the text,
 * or a line break and a line that does not start blank). Searched forward once: the expression
 * /BODY:\s+(\{[\s\S]*?\})\s*(?:\n\S|$)/ said the same but scanned the rest of the text again
 * from each "BODY: {" of a damaged file.
 */
export function parseActivationRequest(text: string): Record<string, unknown> | undefined {
  const body = activationBody(text);
  if (body === undefined) return undefined;
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const BLANK = /\s/;

function activationBody(text: string): string | undefined {
  let open = -1;
  for (let at = text.indexOf("BODY:"); at >= 0 && open < 0; at = text.indexOf("BODY:", at + 5)) {
    let i = at + 5;
    while (i < text.length && BLANK.test(text[i]!)) i++;
    if (i > at + 5 && text[i] === "{") open = i;
  }
  if (open < 0) return undefined;
  for (let close = text.indexOf("}", open + 1); close >= 0; close = text.indexOf("}", close + 1)) {
    let r = close + 1;
    while (r < text.length && BLANK.test(text[r]!)) r++;
    if (r === text.length || (r > close + 1 && text[r - 1] === "\n")) return text.slice(open, close + 1);
  }
  return undefined;
}

/**
 * The first sysdiagnose archive name in a text (sysdiagnose.log names the file it writes), as
 * /sysdiagnose_\S+?\.tar\.gz/ finds it, searched forward once: the expression scanned the rest
 * of a long word again from each "sysdiagnose_" in it.
 */
export function sysdiagnoseArchiveIn(text: string): string | undefined {
  let wordEnd = -1;
  let tar = -1;
  for (let s = text.indexOf("sysdiagnose_"); s >= 0; ) {
    if (s >= wordEnd) {
      wordEnd = s + 12;
      while (wordEnd < text.length && !BLANK.test(text[wordEnd]!)) wordEnd++;
    }
    if (tar < s + 13) tar = text.indexOf(".tar.gz", s + 13);
    if (tar < 0) return undefined;
    if (tar + 7 <= wordEnd) return text.slice(s, tar + 7);
    // No later "sysdiagnose_" of this word reaches a ".tar.gz" in it either.
    s = text.indexOf("sysdiagnose_", wordEnd);
  }
  return undefined;
}
