import { test } from "node:test";
import assert from "node:assert/strict";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { VigilError } from "../../../src/core/errors.ts";
import {
  aesUnwrap,
  aesWrap,
  buildKeybag,
  decryptCbcRaw,
  deriveKeyFromPassword,
  encryptCbcPkcs7,
  hasTwoStageKdf,
  parseKeyHex,
  parseKeybag,
  splitWrappedKey,
  stripPkcs7,
  unlockKeybag,
} from "../../../src/formats/keybag.ts";
import { decodeBplist, decodeMBFile } from "../../../src/formats/mbfile.ts";
import { mbfileArchive, uid, writeBplist } from "../../helpers/bplist-writer.ts";
import { parsePlist } from "../../../src/formats/plist.ts";
import * as plistPkg from "plist";

function sampleKeybag(password: string, opts: { legacy?: boolean } = {}) {
  const salt = randomBytes(20);
  const dpsl = randomBytes(20);
  const stage1 = opts.legacy ? Buffer.from(password) : pbkdf2Sync(password, dpsl, 7, 32, "sha256");
  const kek = pbkdf2Sync(stage1, salt, 5, 32, "sha1");
  const keys = new Map<number, Buffer>();
  const classes = [];
  for (let c = 1; c <= 11; c++) {
    keys.set(c, randomBytes(32));
    classes.push({ uuid: randomBytes(16), clas: c, wrap: c === 5 ? 3 : c === 6 ? 1 : 2, ktyp: 0, wpky: aesWrap(kek, keys.get(c)!) });
  }
  const buf = buildKeybag({ version: 4, type: 1, uuid: randomBytes(16), hmck: Buffer.alloc(40), wrap: 0, salt, iter: 5, ...(opts.legacy ? {} : { dpwt: 1, dpic: 7, dpsl }), classes });
  return { buf, kek, keys };
}

test("keybag: header and class records parse; the first UUID and WRAP belong to the header", () => {
  const { buf } = sampleKeybag("pw");
  const kb = parseKeybag(buf);
  assert.equal(kb.version, 4);
  assert.equal(kb.type, 1);
  assert.equal(kb.wrap, 0);
  assert.equal(kb.iter, 5);
  assert.equal(kb.dpic, 7);
  assert.equal(kb.classes.length, 11);
  assert.deepEqual(kb.classes.map((c) => c.clas), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(kb.classes[4].wrap, 3);
  assert.equal(kb.classes[0].wpky?.length, 40);
  assert.ok(hasTwoStageKdf(kb));
});

test("keybag: unknown tags are tolerated and reported", () => {
  const { buf } = sampleKeybag("pw");
  const extra = Buffer.concat([Buffer.from("ZZZZ", "latin1"), Buffer.from([0, 0, 0, 2]), Buffer.from([1, 2])]);
  const kb = parseKeybag(Buffer.concat([buf, extra]));
  assert.deepEqual(kb.unknownTags, ["ZZZZ"]);
});

test("keybag: truncated or empty input is a one-line error", () => {
  const { buf } = sampleKeybag("pw");
  assert.throws(() => parseKeybag(buf.subarray(0, buf.length - 3), "Manifest.plist"), (e: unknown) => e instanceof VigilError && /runs past the end|truncated/.test(e.message) && e.oneLine().startsWith("Manifest.plist: "));
  assert.throws(() => parseKeybag(Buffer.alloc(0)), /no SALT\/ITER/);
});

test("password → KEK → class keys, two-stage and legacy single-stage; a wrong password unwraps nothing", async () => {
  for (const legacy of [false, true]) {
    const { buf, kek, keys } = sampleKeybag("sécret", { legacy });
    const kb = parseKeybag(buf);
    assert.equal(hasTwoStageKdf(kb), !legacy);
    const derived = await deriveKeyFromPassword("sécret", kb);
    assert.deepEqual(derived, kek);
    const unlocked = unlockKeybag(kb, derived)!;
    assert.ok(unlocked);
    assert.deepEqual(unlocked.get(4), keys.get(4));
    assert.equal(unlocked.has(6), false, "WRAP 1 (device key only) classes are skipped");
    assert.equal(unlockKeybag(kb, await deriveKeyFromPassword("secret", kb)), undefined);
  }
});

test("RFC 3394 wrap/unwrap and its integrity check; wrapped-key prefix split", () => {
  const kek = randomBytes(32);
  const key = randomBytes(32);
  const w = aesWrap(kek, key);
  assert.equal(w.length, 40);
  assert.deepEqual(aesUnwrap(kek, w), key);
  assert.equal(aesUnwrap(randomBytes(32), w), undefined);
  assert.equal(aesUnwrap(kek, w.subarray(0, 39)), undefined);
  const prefix = Buffer.from([4, 0, 0, 0]);
  assert.deepEqual(splitWrappedKey(Buffer.concat([prefix, w])), { clas: 4, wrapped: w });
  assert.equal(splitWrappedKey(Buffer.alloc(10)), undefined);
});

test("PKCS#7: valid padding stripped, invalid padding refused (caller keeps raw SQLite)", () => {
  const key = randomBytes(32);
  for (const n of [0, 1, 15, 16, 17, 4096]) {
    const data = randomBytes(n);
    const enc = encryptCbcPkcs7(key, data);
    assert.equal(enc.length, 16 * (Math.floor(n / 16) + 1));
    assert.deepEqual(stripPkcs7(decryptCbcRaw(key, enc)), data);
  }
  const bad = Buffer.alloc(32, 0x7a);
  assert.equal(stripPkcs7(bad), undefined);
  assert.equal(stripPkcs7(Buffer.concat([Buffer.alloc(15), Buffer.from([0x11])])), undefined);
  assert.equal(stripPkcs7(Buffer.alloc(15)), undefined);
});

test("key file text: 64 hex chars, trailing newline tolerated, anything else refused", () => {
  const hex = "0ebc3eb251dd0a5a7f298096f22d440c487f0024c8c3330a738b0cf5452fa8a1";
  assert.equal(parseKeyHex(hex).toString("hex"), hex);
  assert.equal(parseKeyHex(hex.toUpperCase() + "\n").toString("hex"), hex);
  assert.equal(parseKeyHex(hex + "\r\n").toString("hex"), hex);
  assert.throws(() => parseKeyHex(hex.slice(2), "k.txt"), (e: unknown) => e instanceof VigilError && e.oneLine().startsWith("k.txt: not a backup key"));
  assert.throws(() => parseKeyHex("vigil-test-1"), /64 hexadecimal/);
});

test("binary plist decoder agrees with the writer on every type (UTF-16, bigint, negatives, dates, UIDs)", () => {
  const value = {
    ascii: "hello",
    utf16: "héllo ✓ 日本",
    long: "x".repeat(300),
    ints: [0, 255, 256, 65535, 65536, 2 ** 31, 2 ** 40, -1, -(2 ** 40)],
    big: 2n ** 62n,
    real: 1.5,
    date: new Date("2024-05-01T10:00:00.000Z"),
    data: Buffer.from([1, 2, 3]),
    t: true,
    f: false,
    u: uid(300),
    nested: [{ a: [] }],
  };
  const buf = writeBplist(value);
  const viaFast = decodeBplist(buf) as Record<string, unknown>;
  const viaLib = parsePlist(buf) as Record<string, unknown>;
  for (const v of [viaFast, viaLib]) {
    assert.equal(v.utf16, value.utf16);
    assert.equal(v.long, value.long);
    assert.deepEqual(v.ints, value.ints);
    assert.equal((v.date as Date).toISOString(), value.date.toISOString());
    assert.deepEqual(Buffer.from(v.data as Buffer), value.data);
    assert.equal(v.t, true);
    assert.equal(v.f, false);
    assert.equal((v.u as { UID: number }).UID, 300);
  }
  assert.equal(viaFast.big, 2n ** 62n);
  assert.throws(() => decodeBplist(buf.subarray(0, buf.length - 40)));
});

test("MBFile: fast path and XML fallback decode the same fields; malformed blob is a one-line error", () => {
  const key = Buffer.concat([Buffer.from([3, 0, 0, 0]), randomBytes(40)]);
  const f = { relativePath: "Library/Préférences/x.plist", mode: 0o100644, size: 12345, birth: 1600000000, lastModified: 1700000000, lastStatusChange: 1700000001, inode: 42, protectionClass: 3, encryptionKey: key };
  const blob = mbfileArchive(f);
  const got = decodeMBFile(blob);
  assert.equal(got.relativePath, f.relativePath);
  assert.equal(got.size, 12345);
  assert.equal(got.mode, 0o100644);
  assert.equal(got.birth, 1600000000);
  assert.equal(got.lastModified, 1700000000);
  assert.equal(got.lastStatusChange, 1700000001);
  assert.equal(got.inode, 42);
  assert.equal(got.protectionClass, 3);
  assert.deepEqual(Buffer.from(got.encryptionKey!), key);
  // The same archive as XML (other writers use it) goes through the generic unarchiver.
  const plist = parsePlist(blob) as Record<string, unknown>;
  const xml = Buffer.from(plistPkg.build(toXmlArchive(plist) as never));
  const viaXml = decodeMBFile(xml);
  assert.equal(viaXml.relativePath, f.relativePath);
  assert.equal(viaXml.size, 12345);
  assert.deepEqual(Buffer.from(viaXml.encryptionKey!), key);
  assert.throws(() => decodeMBFile(Buffer.from("bplist00garbage-garbage-garbage-garbage-garbage"), "Manifest.db: HomeDomain/x"), (e: unknown) => e instanceof VigilError && /malformed file metadata/.test(e.message) && e.oneLine().startsWith("Manifest.db: HomeDomain/x: "));
});

// The `plist` package writes XML; UIDs become {"CF$UID": n} as in XML keyed archives.
function toXmlArchive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toXmlArchive);
  if (v && typeof v === "object" && !Buffer.isBuffer(v) && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if (typeof o.UID === "number" && Object.keys(o).length === 1) return { "CF$UID": o.UID };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = toXmlArchive(x);
    return out;
  }
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v);
  return v;
}
