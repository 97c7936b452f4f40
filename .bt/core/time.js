const MAC_EPOCH_MS = Date.UTC(2001, 0, 1);
const WEBKIT_EPOCH_MS = Date.UTC(1601, 0, 1);
const DAY_MS = 864e5;
const MAX_FAST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const PAD3 = Array.from({ length: 1e3 }, (_, i) => String(i).padStart(3, "0"));
let cachedDay = NaN;
let cachedDayPrefix = "";
function iso(ms) {
  if (!Number.isFinite(ms)) return void 0;
  if (ms >= 0 && ms <= MAX_FAST_MS) {
    const t = Math.trunc(ms);
    const day = Math.floor(t / DAY_MS);
    if (day !== cachedDay) {
      cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
      cachedDay = day;
    }
    let rem = t - day * DAY_MS;
    const h = Math.floor(rem / 36e5);
    rem -= h * 36e5;
    const m = Math.floor(rem / 6e4);
    rem -= m * 6e4;
    const sec = Math.floor(rem / 1e3);
    return `${cachedDayPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rem - sec * 1e3]}Z`;
  }
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return void 0;
  return d.toISOString();
}
function fromMacAbsolute(value) {
  if (value === null || value === void 0) return void 0;
  let v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return void 0;
  if (Math.abs(v) > 1e14) v = v / 1e9;
  return iso(MAC_EPOCH_MS + v * 1e3);
}
function fromWebKit(value) {
  if (value === null || value === void 0) return void 0;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return void 0;
  return iso(WEBKIT_EPOCH_MS + v / 1e3);
}
function fromUnixSeconds(value) {
  if (value === null || value === void 0) return void 0;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return void 0;
  return iso(v * 1e3);
}
function fromUnixMillis(value) {
  if (value === null || value === void 0) return void 0;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return void 0;
  return iso(v);
}
function fromUnixMicros(value) {
  if (value === null || value === void 0) return void 0;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v)) return void 0;
  return iso(v / 1e3);
}
function fromUnixNanos(value) {
  if (value === null || value === void 0) return void 0;
  if (typeof value === "bigint") return iso(Number(value / 1000000n));
  return iso(value / 1e6);
}
function fromUnixAuto(value) {
  if (value === null || value === void 0) return void 0;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (!Number.isFinite(v) || v === 0) return void 0;
  const a = Math.abs(v);
  if (a > 1e17) return iso(v / 1e6);
  if (a > 1e14) return iso(v / 1e3);
  if (a > 1e11) return iso(v);
  return iso(v * 1e3);
}
function fromDate(value) {
  if (value === null || value === void 0) return void 0;
  const d = value instanceof Date ? value : new Date(value);
  return iso(d.getTime());
}
function parseLooseTimestamp(value) {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return fromDate(value);
  const frac = m[3] ? m[3].slice(0, 4) : "";
  return fromDate(`${m[1]}T${m[2]}${frac}${m[4] ?? "Z"}`);
}
function fromOffsetDateTime(value) {
  if (!value) return void 0;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return void 0;
  const frac = m[3] ? m[3].slice(0, 4) : "";
  let off = m[4] ?? "Z";
  if (off !== "Z" && !off.includes(":")) off = `${off.slice(0, 3)}:${off.slice(3)}`;
  return fromDate(`${m[1]}T${m[2]}${frac}${off}`);
}
export {
  fromDate,
  fromMacAbsolute,
  fromOffsetDateTime,
  fromUnixAuto,
  fromUnixMicros,
  fromUnixMillis,
  fromUnixNanos,
  fromUnixSeconds,
  fromWebKit,
  parseLooseTimestamp
};
