// dumpsys / dumpstate text split into its sections. A bugreport's dumpstate and androidqf's
// dumpsys.txt hold one section per service, opened by "DUMP OF SERVICE [CRITICAL|HIGH|NORMAL]
// name:" and closed by the "--------- N s was the duration of dumpsys name" line, by the next
// section, or (in dumpstate) by a "------ TITLE (command) ------" header. Sections are split on
// those delimiters only: package sections hold blank lines on Xiaomi/Samsung/Pixel builds, so a
// blank line never ends anything. Inside a section the structure is the indentation, which the
// section parsers (one file each in this folder) follow.

const SERVICE_RE = /^DUMP OF SERVICE (?:(?:CRITICAL|HIGH|NORMAL) )?(.+?):\s*$/;
const DUMPSTATE_HEADER_RE = /^------ .*------\s*$/;
const DURATION_RE = /^-{5,} ?[\d.]+s was the duration of /;
const RULE_RE = /^-{20,}\s*$/;
const GETPROP_HEADER_RE = /^------ SYSTEM PROPERTIES\b/;

export interface DumpsysExtract {
  /** Service name → lines of its section (without the header and the closing lines). */
  sections: Map<string, string[]>;
  /** Lines of the "SYSTEM PROPERTIES" part of a dumpstate, when present. */
  getprop?: string[];
  /** Every service that had a section, wanted or not. */
  services: string[];
  /** Number of lines read. */
  lines: number;
}

/**
 * One pass over a dumpsys/dumpstate text, keeping only the wanted services (all when `wanted`
 * is undefined). A service dumped twice (dumpstate's CRITICAL pass, then the full pass) keeps
 * its longer section.
 */
export async function extractDumpsys(lines: AsyncIterable<string> | Iterable<string>, wanted?: Set<string>): Promise<DumpsysExtract> {
  const sections = new Map<string, string[]>();
  const services: string[] = [];
  let current: string[] | undefined;
  let currentName: string | undefined;
  let getprop: string[] | undefined;
  let inGetprop = false;
  let n = 0;
  const close = () => {
    if (current && currentName !== undefined) {
      const prev = sections.get(currentName);
      if (!prev || prev.length < current.length) sections.set(currentName, current);
    }
    current = undefined;
    currentName = undefined;
  };
  for await (const line of lines as AsyncIterable<string>) {
    n++;
    const c = line.charCodeAt(0);
    if (c === 68 /* D */) {
      const m = SERVICE_RE.exec(line);
      if (m) {
        close();
        inGetprop = false;
        services.push(m[1]);
        if (!wanted || wanted.has(m[1])) {
          currentName = m[1];
          current = [];
        }
        continue;
      }
    } else if (c === 45 /* - */) {
      if (DURATION_RE.test(line)) {
        close();
        continue;
      }
      if (RULE_RE.test(line)) continue;
      if (DUMPSTATE_HEADER_RE.test(line)) {
        close();
        inGetprop = GETPROP_HEADER_RE.test(line);
        if (inGetprop && !getprop) getprop = [];
        continue;
      }
    }
    if (current) current.push(line);
    else if (inGetprop) getprop!.push(line);
  }
  close();
  return { sections, getprop, services, lines: n };
}

/** Synchronous split of a whole text (small inputs and tests). */
export function splitDumpsys(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  let name: string | undefined;
  const close = () => {
    if (current && name !== undefined) {
      const prev = out.get(name);
      if (!prev || prev.length < current.length) out.set(name, current);
    }
    current = undefined;
  };
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = SERVICE_RE.exec(line);
    if (m) {
      close();
      name = m[1];
      current = [];
      continue;
    }
    if (DURATION_RE.test(line) || DUMPSTATE_HEADER_RE.test(line)) {
      close();
      continue;
    }
    if (RULE_RE.test(line)) continue;
    current?.push(line);
  }
  close();
  return out;
}
