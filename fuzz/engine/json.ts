// JSON mutators (case.json, results files): the document is parsed and one value changed, so the
// input stays JSON and gets past the parse to the checks and the code behind them: a value of
// another type, a key removed or renamed (to an inherited property's name too), an array item
// repeated, a string edited (paths that climb out, NUL, line breaks), nesting past any sane depth.
// An input that is no longer JSON is returned as it is (the text mutators work on it).
import type { Mutator } from "./types.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Put in as a string, then replaced in the text by nesting too deep to build as a value here. */
const DEEP = "\u0001deep\u0001";
const ODD: Json[] = [
  null, true, false, 0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53 + 1, "", " ", "0", "1", "null", "a".repeat(300), "\u0000", "\n", "é中😀",
  [], {}, [null], [[]], { toString: 1 }, { valueOf: null }, { length: 5 }, "constructor", "__proto__", "toString", DEEP,
  "..", "../..", "/", "/etc/passwd", "acquisitions", "acquisitions/", "acquisitions/.", "acquisitions/..", "acquisitions/../x", "acquisitions/a\u0000b",
  "acquisitions/01-ios_backup", "acquisitions/02-ios_backup", "acquisitions/03-missing", "acquisitions\\..\\x", "01-ios_backup", "2026-13-45T25:61:61Z",
  "+275760-09-13T00:00:01.000Z", "<script>alert(1)</script>",
];
const KEYS = ["", "__proto__", "constructor", "toString", "hasOwnProperty", "id", "results", "kind", "acquisitions", "vigil_case", "x".repeat(200)];
const SUFFIXES = ["/..", "/../x", "\u0000", "\n", "\r\n", "/", "\\", " ", "\u2028", "x".repeat(4096)];

interface Slot {
  get(): Json;
  set(v: Json): void;
  remove(): void;
  /** The key when the slot is an object's. */
  key?: string;
  rename?(k: string): void;
}

function own(o: { [k: string]: Json }, k: string, v: Json): void {
  // A key named __proto__ must stay an own key, as JSON.parse makes it.
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Every value of the document but the root, depth first, up to a bound. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (v: Json, depth: number) => {
    if (out.length >= 4096 || depth > 64 || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && out.length < 4096; i++) {
        out.push({ get: () => v[i], set: (x) => (v[i] = x), remove: () => v.splice(i, 1) });
        walk(v[i], depth + 1);
      }
      return;
    }
    for (const k of Object.keys(v)) {
      if (out.length >= 4096) break;
      out.push({
        key: k,
        get: () => v[k],
        set: (x) => own(v, k, x),
        remove: () => delete v[k],
        rename: (n) => {
          const x = v[k];
          delete v[k];
          own(v, n, x);
        },
      });
      walk(v[k], depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

function mutateJson(name: string, change: (root: Json, s: Slot[], a: number, b: number, c: number) => void): Mutator {
  return {
    name,
    apply(buf, a, b, c) {
      let root: Json;
      try {
        root = JSON.parse(buf.toString("utf8")) as Json;
      } catch {
        return buf;
      }
      const s = slots(root);
      if (!s.length) return buf;
      let text: string;
      try {
        change(root, s, a, b, c);
        // Indented only when small: the indentation of nesting d deep costs d * d characters.
        text = JSON.stringify(root, null, c % 3 && buf.length < 4096 ? 2 : undefined);
      } catch {
        // Nested too deep to copy or write again (an earlier step's DEEP): left as it is.
        return buf;
      }
      const depth = 1 + (b % 100_000);
      return Buffer.from(text.replaceAll(JSON.stringify(DEEP), "[".repeat(depth) + "]".repeat(depth)), "utf8");
    },
  };
}

/** A value replaced by another of any type. */
export const jsonValue = mutateJson("json-value", (_r, s, a, _b, c) => s[a % s.length].set(structuredClone(ODD[c % ODD.length])));

/** A key or an array item removed. */
export const jsonDelete = mutateJson("json-delete", (_r, s, a) => void s[a % s.length].remove());

/** A key renamed: to an inherited property's name, to another key of the object (one value lost). */
export const jsonKey = mutateJson("json-key", (_r, s, a, _b, c) => {
  const keyed = s.filter((x) => x.rename);
  if (keyed.length) keyed[a % keyed.length].rename!(c % 2 ? KEYS[(c >>> 1) % KEYS.length] : (keyed[(c >>> 1) % keyed.length].key ?? ""));
});

/** A value copied over another (an acquisition listed twice, one id in two places). */
export const jsonCopy = mutateJson("json-copy", (_r, s, a, b) => s[a % s.length].set(structuredClone(s[b % s.length].get())));

/** An array item repeated in place, up to 1000 times (and about 1 MiB). */
export const jsonRepeat = mutateJson("json-repeat", (root, s, a, b) => {
  const arrays = [root, ...s.map((x) => x.get())].filter((v): v is Json[] => Array.isArray(v) && v.length > 0);
  if (!arrays.length) return;
  const arr = arrays[a % arrays.length];
  const item = arr[b % arr.length];
  // At most about 1 MiB of copies.
  const n = Math.min(1 + ((b >>> 8) % 1000), Math.ceil((1 << 20) / (JSON.stringify(item) ?? "").length));
  arr.splice(b % arr.length, 0, ...Array.from({ length: n }, () => structuredClone(item)));
});

/** A string edited: something put after it (a climb out of its folder, NUL, a line break, length), or cut. */
export const jsonString = mutateJson("json-string", (_r, s, a, _b, c) => {
  const strings = s.filter((x) => typeof x.get() === "string");
  if (!strings.length) return;
  const slot = strings[a % strings.length];
  const v = slot.get() as string;
  slot.set(c % 4 === 0 ? v.slice(0, (c >>> 2) % (v.length + 1)) : v + SUFFIXES[(c >>> 2) % SUFFIXES.length]);
});

/** A value replaced by an odd one of its own type: the input stays past a schema's type checks. */
export const jsonSameType = mutateJson("json-same-type", (_r, s, a, _b, c) => {
  const slot = s[a % s.length];
  const v = slot.get();
  const kind = (x: Json) => (x === null ? "null" : Array.isArray(x) ? "array" : typeof x);
  const same = ODD.filter((x) => kind(x) === kind(v));
  if (same.length) slot.set(structuredClone(same[c % same.length]));
});

export const JSON_MUTATORS: Mutator[] = [jsonSameType, jsonSameType, jsonValue, jsonDelete, jsonKey, jsonCopy, jsonRepeat, jsonString];
