// Property lists and what is built on them: binary and XML plists, NSKeyedArchiver graphs,
// MBFile records of Manifest.db, and the backup keybag.
import { parsePlist, parsePlistDeep } from "../../src/formats/plist.ts";
import { decodeMBFile } from "../../src/formats/mbfile.ts";
import { buildKeybag, parseKeybag } from "../../src/formats/keybag.ts";
import { mbfileArchive, uid, writeBplist, Real } from "../../src/formats/bplist-writer.ts";
import { BYTE_MUTATORS } from "../engine/bytes.ts";
import { BPLIST_MUTATORS } from "../engine/plist.ts";
import { TEXT_MUTATORS } from "../engine/text.ts";
import type { Target } from "../engine/types.ts";
import { corpusWhere, xmlPlist } from "./corpus.ts";

const isBplist = (d: Buffer) => d.toString("latin1", 0, 8) === "bplist00";
const isXmlPlist = (d: Buffer) => /^\s*(<\?xml|<!DOCTYPE plist|<plist)/.test(d.subarray(0, 200).toString("utf8"));

const SAMPLE = {
  name: "iPhone",
  version: 17.4,
  count: 3,
  big: 2n ** 60n,
  flag: true,
  when: new Date(Date.UTC(2024, 0, 2)),
  data: Buffer.from("0123456789abcdef"),
  list: ["a", 1, false, { nested: ["x", "y"] }],
  unicode: "é中😀",
};

function keyedArchive(): Buffer {
  // An NSKeyedArchiver graph with a dictionary, an array, a string, data, a date, a URL and a
  // custom class, as NSUserDefaults and app state files hold.
  return writeBplist({
    $version: 100000,
    $archiver: "NSKeyedArchiver",
    $top: { root: uid(1) },
    $objects: [
      "$null",
      { "NS.keys": [uid(2), uid(3), uid(4)], "NS.objects": [uid(5), uid(6), uid(9)], $class: uid(12) },
      "url",
      "items",
      "when",
      { "NS.base": uid(0), "NS.relative": uid(7), $class: uid(13) },
      { "NS.objects": [uid(7), uid(8), uid(10)], $class: uid(14) },
      "https://example.org/a",
      { "NS.string": "mutable", $class: uid(15) },
      { "NS.time": new Real(700000000.5), $class: uid(16) },
      { "NS.data": Buffer.from([1, 2, 3]), $class: uid(17) },
      { custom: uid(7) },
      { $classname: "NSDictionary", $classes: ["NSDictionary", "NSObject"] },
      { $classname: "NSURL", $classes: ["NSURL", "NSObject"] },
      { $classname: "NSArray", $classes: ["NSArray", "NSObject"] },
      { $classname: "NSMutableString", $classes: ["NSMutableString", "NSString", "NSObject"] },
      { $classname: "NSDate", $classes: ["NSDate", "NSObject"] },
      { $classname: "NSData", $classes: ["NSData", "NSObject"] },
    ],
  });
}

const MBFILE = {
  relativePath: "Library/SMS/sms.db",
  mode: 0o100644,
  size: 4096,
  birth: 1600000000,
  lastModified: 1600000100,
  lastStatusChange: 1600000200,
  inode: 1234,
  protectionClass: 3,
};

export const plistTargets: Target[] = [
  {
    name: "plist-binary",
    what: "binary plists: parsePlist in src/formats/plist.ts (bplist-parser)",
    seeds: (corpus) => [writeBplist(SAMPLE as never), writeBplist(["a", { b: [1, 2, 3] }, null]), ...corpusWhere(corpus, "mvt-artifacts", isBplist)],
    mutators: [...BYTE_MUTATORS, ...BPLIST_MUTATORS],
    run: (input) => parsePlist(input, "fuzz.plist"),
  },
  {
    name: "plist-xml",
    what: "XML plists: parsePlist in src/formats/plist.ts (the plist package over xmldom)",
    seeds: (corpus) => [xmlPlist(SAMPLE), xmlPlist([{ a: "b" }, 1.5, "<&>"]), ...corpusWhere(corpus, "mvt-artifacts", isXmlPlist)],
    mutators: [...TEXT_MUTATORS, ...BYTE_MUTATORS],
    run: (input) => parsePlist(input, "fuzz.plist"),
  },
  {
    name: "nskeyedarchiver",
    what: "NSKeyedArchiver graphs: parsePlistDeep / unarchive in src/formats/plist.ts",
    seeds: () => [keyedArchive(), mbfileArchive(MBFILE), xmlPlist({ $archiver: "NSKeyedArchiver", $version: 100000, $top: { root: { "CF$UID": 1 } }, $objects: ["$null", { "NS.string": "x" }] })],
    mutators: [...BPLIST_MUTATORS, ...BYTE_MUTATORS],
    run: (input) => parsePlistDeep(input, "fuzz.plist"),
  },
  {
    name: "mbfile",
    what: "MBFile records of Manifest.db: decodeMBFile in src/formats/mbfile.ts (its own compact bplist decoder)",
    seeds: () => [mbfileArchive(MBFILE), mbfileArchive({ ...MBFILE, encryptionKey: Buffer.alloc(44, 7), target: "/var/x" }), mbfileArchive({ ...MBFILE, mode: 0o40755, size: 0 })],
    mutators: [...BPLIST_MUTATORS, ...BYTE_MUTATORS],
    run: (input) => decodeMBFile(input, "Manifest.db"),
  },
  {
    name: "keybag",
    what: "the backup keybag (BackupKeyBag in Manifest.plist): parseKeybag in src/formats/keybag.ts",
    seeds: () => [
      buildKeybag({
        version: 5,
        type: 1,
        uuid: Buffer.alloc(16, 1),
        hmck: Buffer.alloc(40, 2),
        wrap: 1,
        salt: Buffer.alloc(20, 3),
        iter: 10000,
        dpwt: 1,
        dpic: 10000000,
        dpsl: Buffer.alloc(20, 4),
        classes: [1, 2, 3, 4].map((clas) => ({ uuid: Buffer.alloc(16, clas), clas, wrap: 3, ktyp: 0, wpky: Buffer.alloc(40, clas) })),
      }),
    ],
    mutators: BYTE_MUTATORS,
    run: (input) => parseKeybag(input, "Manifest.plist"),
  },
];
