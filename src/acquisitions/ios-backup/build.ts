// Builds (for vigil demo, the benchmark and the tests) a realistic iTunes/Finder backup folder in code: Info.plist, Manifest.plist,
// Status.plist, Manifest.db (Files + Properties, MBFile NSKeyedArchiver blobs) and the payload
// files at <first 2 hex>/<fileID>. With `encrypted`, a fresh keybag (random class keys 1–11,
// WRAP 3 for 5/9/10/11), an encrypted Manifest.db and per-file keys, exactly as FORMAT.md
// describes. Defaults are cheap (DPIC 10, ITER 10) so tests and the bench stay fast.
//
//   const b = await buildIosBackup(dir, { files: [{ domain: "HomeDomain", relativePath: "Library/SMS/sms.db", data: smsDbBuffer }] });
//   const b = await buildIosBackup(dir, { files, encrypted: { password: "1234" } });
//   // b.dir is the backup folder; b.fileIds maps "domain/relativePath" to its fileID; b.derivedKeyHex (encrypted)
//
// Big files can be given by path (`fromFile`) so the bench never holds them twice in memory.
import Database from "better-sqlite3";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aesWrap, buildKeybag, encryptCbcPkcs7, type ClassKeyRecord } from "../../formats/keybag.ts";
import { mbfileArchive, writeBplist, type BValue } from "../../formats/bplist-writer.ts";

export interface BackupFileSpec {
  domain: string;
  relativePath: string;
  /** Content of a regular file. */
  data?: Buffer | string;
  /** Or: a file on disk whose bytes become the payload. */
  fromFile?: string;
  type?: "file" | "directory" | "symlink";
  /** Symlink target. */
  target?: string;
  /** Last modification (default: 2024-05-01T10:00:00Z). */
  mtime?: Date;
  birth?: Date;
  ctime?: Date;
  mode?: number;
  /** Data Protection class of the file (default 3 like most user files; 4 = None). */
  protectionClass?: number;
  /** Write the Manifest.db row but no payload (a partial backup). */
  omitPayload?: boolean;
  /** Write this MBFile Size instead of the real length (real backups have stale sizes). */
  sizeField?: number;
}

export interface BuildOptions {
  files: BackupFileSpec[];
  /** Info.plist fields, merged over realistic defaults ("Product Version", "Product Type", ...). */
  info?: Record<string, BValue | undefined>;
  encrypted?: {
    password: string;
    /** PBKDF2-SHA256 rounds (default 10; real backups: 10 000 000). */
    dpic?: number;
    /** PBKDF2-SHA1 rounds (default 10; real backups: 10 000). */
    iter?: number;
    /** A pre-iOS 10.2 keybag: no DPSL/DPIC, one PBKDF2-SHA1 stage, Manifest.db not encrypted. */
    legacy?: boolean;
  };
  /** false: no Manifest.plist (like MVT's test backup). Default true. */
  manifestPlist?: boolean;
  /** Write Status.plist (default true). */
  statusPlist?: boolean;
}

export interface BuiltBackup {
  dir: string;
  udid: string;
  /** "domain/relativePath" → fileID */
  fileIds: Record<string, string>;
  /** Encrypted backups: the KEK as extract-key prints it. */
  derivedKeyHex?: string;
  /** Encrypted backups: plaintext Manifest.db SHA-256 (no padding). */
  manifestDbSha256?: string;
}

const DEFAULT_TIME = new Date("2024-05-01T10:00:00Z");
const secs = (d: Date) => Math.floor(d.getTime() / 1000);

export function fileIdFor(domain: string, relativePath: string): string {
  return createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
}

export async function buildIosBackup(dir: string, opts: BuildOptions): Promise<BuiltBackup> {
  mkdirSync(dir, { recursive: true });
  const udid = (opts.info?.["Unique Identifier"] as string | undefined)?.toLowerCase() ?? "00008110-000a1b2c3d4e5f60";
  const productVersion = (opts.info?.["Product Version"] as string | undefined) ?? "17.5.1";
  const info: Record<string, BValue | undefined> = {
    "Build Version": "21F90",
    "Device Name": "Test iPhone",
    "Display Name": "Test iPhone",
    GUID: "0123456789ABCDEF0123456789ABCDEF",
    ICCID: "89000000000000000000",
    IMEI: "350000000000000",
    "Installed Applications": ["com.apple.mobilesafari", "net.whatsapp.WhatsApp"],
    "Last Backup Date": new Date("2024-05-02T08:00:00Z"),
    "Phone Number": "+1 555 0100",
    "Product Name": "iPhone 13 Pro",
    "Product Type": "iPhone14,2",
    "Product Version": productVersion,
    "Serial Number": "F00TESTSERIAL",
    "Target Identifier": udid,
    "Target Type": "Device",
    "Unique Identifier": udid.toUpperCase(),
    "iTunes Version": "12.13.2.3",
    ...opts.info,
  };
  writeFileSync(join(dir, "Info.plist"), writeBplist(info as BValue));

  // Keys for an encrypted backup.
  let classKeys: Map<number, Buffer> | undefined;
  let kek: Buffer | undefined;
  let keybagBuf: Buffer | undefined;
  let manifestKey: Buffer | undefined;
  let dbKey: Buffer | undefined;
  const enc = opts.encrypted;
  if (enc) {
    const salt = randomBytes(20);
    const dpsl = randomBytes(20);
    const iter = enc.iter ?? 10;
    const dpic = enc.dpic ?? 10;
    const stage1 = enc.legacy ? Buffer.from(enc.password, "utf8") : pbkdf2Sync(Buffer.from(enc.password, "utf8"), dpsl, dpic, 32, "sha256");
    kek = pbkdf2Sync(stage1, salt, iter, 32, "sha1");
    classKeys = new Map();
    const classes: ClassKeyRecord[] = [];
    for (let c = 1; c <= 11; c++) {
      const k = randomBytes(32);
      classKeys.set(c, k);
      classes.push({ uuid: randomBytes(16), clas: c, wrap: [5, 9, 10, 11].includes(c) ? 3 : 2, ktyp: 0, wpky: aesWrap(kek, k) });
    }
    keybagBuf = buildKeybag({
      version: 4,
      type: 1,
      uuid: randomBytes(16),
      hmck: randomBytes(40),
      wrap: 0,
      salt,
      iter,
      ...(enc.legacy ? {} : { dpwt: 1, dpic, dpsl }),
      classes,
    });
    if (!enc.legacy) {
      dbKey = randomBytes(32);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(4, 0);
      manifestKey = Buffer.concat([prefix, aesWrap(classKeys.get(4)!, dbKey)]);
    }
  }

  if (opts.manifestPlist !== false) {
    const mp: Record<string, BValue | undefined> = {
      Version: "10.0",
      Date: new Date("2024-05-02T08:00:00Z"),
      SystemDomainsVersion: "24.0",
      WasPasscodeSet: true,
      IsEncrypted: !!enc,
      Lockdown: {
        ProductVersion: productVersion,
        ProductType: info["Product Type"] as string,
        BuildVersion: info["Build Version"] as string,
        UniqueDeviceID: udid,
        DeviceName: info["Device Name"] as string,
        SerialNumber: info["Serial Number"] as string,
      },
      Applications: {},
      BackupKeyBag: keybagBuf,
      ManifestKey: manifestKey,
    };
    writeFileSync(join(dir, "Manifest.plist"), writeBplist(mp as BValue));
  }
  if (opts.statusPlist !== false) {
    writeFileSync(
      join(dir, "Status.plist"),
      writeBplist({ BackupState: "new", Date: new Date("2024-05-02T08:00:00Z"), IsFullBackup: false, SnapshotState: "finished", UUID: "5D0C2A4F-9A41-4B1E-9F0B-2C6E1A7B3D10", Version: "3.3" }),
    );
  }

  // Manifest.db is built in a scratch folder, then copied (or encrypted) into the backup.
  const scratch = join(tmpdir(), `vigil-builder-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(scratch, { recursive: true });
  const fileIds: Record<string, string> = {};
  try {
    const dbPath = join(scratch, "Manifest.db");
    const db = new Database(dbPath);
    db.pragma("journal_mode = DELETE");
    db.exec(`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
      CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);`);
    const ins = db.prepare("INSERT OR REPLACE INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)");
    let inode = 1000;
    db.transaction(() => {
      for (const f of opts.files) {
        const type = f.type ?? "file";
        const id = fileIdFor(f.domain, f.relativePath);
        fileIds[`${f.domain}/${f.relativePath}`] = id;
        const mtime = f.mtime ?? DEFAULT_TIME;
        let data: Buffer | undefined;
        if (type === "file") data = f.fromFile ? readFileSync(f.fromFile) : Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data ?? "");
        const plainLength = data?.length ?? 0;
        let encryptionKey: Buffer | undefined;
        const protectionClass = f.protectionClass ?? (type === "file" ? 3 : 0);
        if (type === "file" && data && classKeys) {
          const fileKey = randomBytes(32);
          const prefix = Buffer.alloc(4);
          prefix.writeUInt32LE(protectionClass, 0);
          encryptionKey = Buffer.concat([prefix, aesWrap(classKeys.get(protectionClass)!, fileKey)]);
          data = encryptCbcPkcs7(fileKey, data);
        }
        const blob = mbfileArchive({
          relativePath: f.relativePath,
          mode: f.mode ?? (type === "directory" ? 0o40755 : type === "symlink" ? 0o120755 : 0o100644),
          size: f.sizeField ?? plainLength,
          birth: secs(f.birth ?? mtime),
          lastModified: secs(mtime),
          lastStatusChange: secs(f.ctime ?? mtime),
          inode: inode++,
          protectionClass,
          encryptionKey,
          target: f.target,
        });
        ins.run(id, f.domain, f.relativePath, type === "directory" ? 2 : type === "symlink" ? 4 : 1, blob);
        if (type === "file" && !f.omitPayload && data) {
          mkdirSync(join(dir, id.slice(0, 2)), { recursive: true });
          writeFileSync(join(dir, id.slice(0, 2), id), data);
        }
      }
    })();
    // Indexes after the bulk insert: several times faster than maintaining them row by row.
    db.exec(`CREATE INDEX FilesDomainIdx ON Files(domain);
      CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
      CREATE INDEX FilesFlagsIdx ON Files(flags);`);
    db.close();
    let manifestDbSha256: string | undefined;
    if (dbKey) {
      const plain = readFileSync(dbPath);
      manifestDbSha256 = createHash("sha256").update(plain).digest("hex");
      writeFileSync(join(dir, "Manifest.db"), encryptCbcPkcs7(dbKey, plain));
    } else {
      copyFileSync(dbPath, join(dir, "Manifest.db"));
    }
    return { dir, udid, fileIds, derivedKeyHex: kek?.toString("hex"), manifestDbSha256 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
