// Every conversion from an artifact's clock to UTC ISO-8601 lives here.

const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);
const WEBKIT_EPOCH_MS = Date.UTC(1601, 0, 1);

const DAY_MS = 86_400_000;
const MAX_FAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
let cachedDay = NaN;
let cachedDayPrefix = "";

function iso(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  // Big tables convert hundreds of thousands of timestamps that mostly fall on the same few
  // days: the date part is reused and only the time of day is formatted. Same output as
  // Date#toISOString (which truncates fractional milliseconds).
  if (ms >= 0 && ms <= MAX_FAST_MS) {
    const t = Math.trunc(ms);
    const day = Math.floor(t / DAY_MS);
    if (day !== cachedDay) {
      cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
      cachedDay = day;
    }
    let rem = t - day * DAY_MS;
    const h = Math.floor(rem / 3_600_000);
    rem -= h * 3_600_000;
    const m = Math.floor(rem / 60_000);
    rem -= m * 60_000;
    const sec = Math.floor(rem / 1000);
    return `${cachedDayPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rem - sec * 1000]}Z`;
  }
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString();
}

/**
 * Mac absolute time (seconds since 2001-01-01). iOS writes it as seconds (often fractional)
 * in most databases and as nanoseconds in newer sms.db columns; the magnitude tells them apart.
 */
export function fromMacAbsolute(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  let v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return undefined;
  if (Math.abs(v) > 1e14) v = v / 1e9; // nanoseconds
  return iso(MAC_EPOCH_MS + v * 1000);
}

/** WebKit/Chrome time: microseconds since 1601-01-01. */
export function fromWebKit(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return undefined;
  return iso(WEBKIT_EPOCH_MS + v / 1000);
}

export function fromUnixSeconds(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return undefined;
  return iso(v * 1000);
}

export function fromUnixMillis(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return undefined;
  return iso(v);
}

/** Microseconds since the Unix epoch (Firefox places.sqlite). */
export function fromUnixMicros(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return undefined;
  return iso(v / 1000);
}

export function fromUnixNanos(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "bigint") return iso(Number(value / 1000000n));
  return iso(value / 1e6);
}

/** Unix time whose unit is guessed from its magnitude (s, ms, µs or ns). */
export function fromUnixAuto(value: number | bigint | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return undefined;
  const a = Math.abs(v);
  if (a > 1e17) return iso(v / 1e6);
  if (a > 1e14) return iso(v / 1e3);
  if (a > 1e11) return iso(v);
  return iso(v * 1000);
}

/** A JS Date, or a string Date can parse, to ISO (undefined when invalid). */
export function fromDate(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return iso(d.getTime());
}

/**
 * A UTC ISO-8601 timestamp as MVT writes its times ("YYYY-MM-DD HH:MM:SS.ffffff", UTC, six
 * fraction digits); "" when there is none, as MVT writes a missing time.
 */
export function toMvtTimestamp(iso: string | undefined): string {
  if (!iso) return "";
  const t = parseLooseTimestamp(iso);
  if (!t) return "";
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(t);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? "").padEnd(6, "0").slice(0, 6)}` : "";
}

/**
 * A timestamp as timeline.csv holds it, in MVT's form ("YYYY-MM-DD HH:MM:SS.ffffff", UTC):
 * Vigil's milliseconds padded with 000. Built from the ISO string's bytes, no Date (a million
 * rows go through here). Years outside 0000-9999 keep ISO's six-digit signed year
 * ("+010000-01-01 00:00:00.000000"); such rows sort before every four-digit year, as they did in
 * ISO form. Anything that is not ISO is returned as it is.
 */
export function isoToMvt(iso: string): string {
  const n = iso.length;
  if (n === 24 && iso.charCodeAt(10) === 0x54 && iso.charCodeAt(23) === 0x5a && iso.charCodeAt(19) === 0x2e) {
    return iso.slice(0, 10) + " " + iso.slice(11, 23) + "000";
  }
  const m = /^([+-]\d{6}|\d{4})(-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  return m ? `${m[1]}${m[2]} ${m[3]}.${(m[4] ?? "").padEnd(6, "0").slice(0, 6)}` : iso;
}

/**
 * A timeline.csv timestamp, in MVT's form or ISO 8601 (Vigil's folders written before timeline.csv
 * took MVT's form), as Vigil's ISO (milliseconds, `Z`); undefined when it is neither (MVT writes
 * "" for a missing time). MVT's microseconds beyond the millisecond are dropped, as every Vigil
 * time has milliseconds.
 */
export function timelineToIso(ts: string): string | undefined {
  const n = ts.length;
  // The fast paths look at a few characters only: a damaged row ("2026-99-99 99:99:99.000000")
  // has the same shape, and is no time.
  if (n === 26 && ts.charCodeAt(10) === 0x20 && ts.charCodeAt(19) === 0x2e && ts.charCodeAt(4) === 0x2d) {
    const iso = ts.slice(0, 10) + "T" + ts.slice(11, 23) + "Z";
    return Number.isNaN(Date.parse(iso)) ? undefined : iso;
  }
  if (n === 24 && ts.charCodeAt(10) === 0x54 && ts.charCodeAt(23) === 0x5a) return Number.isNaN(Date.parse(ts)) ? undefined : ts;
  const m = /^([+-]\d{6}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z?$/.exec(ts);
  if (m) return fromDate(`${m[1]}T${m[2]}.${(m[3] ?? "").padEnd(3, "0").slice(0, 3)}Z`);
  return ts ? parseLooseTimestamp(ts) : undefined;
}

/** MVT writes "YYYY-MM-DD HH:MM:SS.ffffff" in its JSON; accept it and ISO alike. */
export function parseLooseTimestamp(value: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return fromDate(value);
  const frac = m[3] ? m[3].slice(0, 4) : "";
  return fromDate(`${m[1]}T${m[2]}${frac}${m[4] ?? "Z"}`);
}

/**
 * Apple log dates with a numeric offset: "2026-07-05 10:11:12.00 -0700" (crash reports,
 * analytics journals); the offset may also be "+02:00" or missing (then UTC).
 */
export function fromOffsetDateTime(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const frac = m[3] ? m[3].slice(0, 4) : "";
  let off = m[4] ?? "Z";
  if (off !== "Z" && !off.includes(":")) off = `${off.slice(0, 3)}:${off.slice(3)}`;
  return fromDate(`${m[1]}T${m[2]}${frac}${off}`);
}
