import Database from "better-sqlite3";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aesWrap, buildKeybag, encryptCbcPkcs7 } from "../../formats/keybag.js";
import { mbfileArchive, writeBplist } from "../../formats/bplist-writer.js";
const DEFAULT_TIME = /* @__PURE__ */ new Date("2024-05-01T10:00:00Z");
const secs = (d) => Math.floor(d.getTime() / 1e3);
function fileIdFor(domain, relativePath) {
  return createHash("sha1").update(`${domain}-${relativePath}`).digest("hex");
}
async function buildIosBackup(dir, opts) {
  mkdirSync(dir, { recursive: true });
  const udid = opts.info?.["Unique Identifier"]?.toLowerCase() ?? "00008110-000a1b2c3d4e5f60";
  const productVersion = opts.info?.["Product Version"] ?? "17.5.1";
  const info = {
    "Build Version": "21F90",
    "Device Name": "Test iPhone",
    "Display Name": "Test iPhone",
    GUID: "0123456789ABCDEF0123456789ABCDEF",
    ICCID: "89000000000000000000",
    IMEI: "350000000000000",
    "Installed Applications": ["com.apple.mobilesafari", "net.whatsapp.WhatsApp"],
    "Last Backup Date": /* @__PURE__ */ new Date("2024-05-02T08:00:00Z"),
    "Phone Number": "+1 555 0100",
    "Product Name": "iPhone 13 Pro",
    "Product Type": "iPhone14,2",
    "Product Version": productVersion,
    "Serial Number": "F00TESTSERIAL",
    "Target Identifier": udid,
    "Target Type": "Device",
    "Unique Identifier": udid.toUpperCase(),
    "iTunes Version": "12.13.2.3",
    ...opts.info
  };
  writeFileSync(join(dir, "Info.plist"), writeBplist(info));
  let classKeys;
  let kek;
  let keybagBuf;
  let manifestKey;
  let dbKey;
  const enc = opts.encrypted;
  if (enc) {
    const salt = randomBytes(20);
    const dpsl = randomBytes(20);
    const iter = enc.iter ?? 10;
    const dpic = enc.dpic ?? 10;
    const stage1 = enc.legacy ? Buffer.from(enc.password, "utf8") : pbkdf2Sync(Buffer.from(enc.password, "utf8"), dpsl, dpic, 32, "sha256");
    kek = pbkdf2Sync(stage1, salt, iter, 32, "sha1");
    classKeys = /* @__PURE__ */ new Map();
    const classes = [];
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
      ...enc.legacy ? {} : { dpwt: 1, dpic, dpsl },
      classes
    });
    if (!enc.legacy) {
      dbKey = randomBytes(32);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32LE(4, 0);
      manifestKey = Buffer.concat([prefix, aesWrap(classKeys.get(4), dbKey)]);
    }
  }
  if (opts.manifestPlist !== false) {
    const mp = {
      Version: "10.0",
      Date: /* @__PURE__ */ new Date("2024-05-02T08:00:00Z"),
      SystemDomainsVersion: "24.0",
      WasPasscodeSet: true,
      IsEncrypted: !!enc,
      Lockdown: {
        ProductVersion: productVersion,
        ProductType: info["Product Type"],
        BuildVersion: info["Build Version"],
        UniqueDeviceID: udid,
        DeviceName: info["Device Name"],
        SerialNumber: info["Serial Number"]
      },
      Applications: {},
      BackupKeyBag: keybagBuf,
      ManifestKey: manifestKey
    };
    writeFileSync(join(dir, "Manifest.plist"), writeBplist(mp));
  }
  if (opts.statusPlist !== false) {
    writeFileSync(
      join(dir, "Status.plist"),
      writeBplist({ BackupState: "new", Date: /* @__PURE__ */ new Date("2024-05-02T08:00:00Z"), IsFullBackup: false, SnapshotState: "finished", UUID: "5D0C2A4F-9A41-4B1E-9F0B-2C6E1A7B3D10", Version: "3.3" })
    );
  }
  const scratch = join(tmpdir(), `vigil-builder-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(scratch, { recursive: true });
  const fileIds = {};
  try {
    const dbPath = join(scratch, "Manifest.db");
    const db = new Database(dbPath);
    db.pragma("journal_mode = DELETE");
    db.exec(`CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
      CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);`);
    const ins = db.prepare("INSERT OR REPLACE INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)");
    let inode = 1e3;
    db.transaction(() => {
      for (const f of opts.files) {
        const type = f.type ?? "file";
        const id = fileIdFor(f.domain, f.relativePath);
        fileIds[`${f.domain}/${f.relativePath}`] = id;
        const mtime = f.mtime ?? DEFAULT_TIME;
        let data;
        if (type === "file") data = f.fromFile ? readFileSync(f.fromFile) : Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data ?? "");
        const plainLength = data?.length ?? 0;
        let encryptionKey;
        const protectionClass = f.protectionClass ?? (type === "file" ? 3 : 0);
        if (type === "file" && data && classKeys) {
          const fileKey = randomBytes(32);
          const prefix = Buffer.alloc(4);
          prefix.writeUInt32LE(protectionClass, 0);
          encryptionKey = Buffer.concat([prefix, aesWrap(classKeys.get(protectionClass), fileKey)]);
          data = encryptCbcPkcs7(fileKey, data);
        }
        const blob = mbfileArchive({
          relativePath: f.relativePath,
          mode: f.mode ?? (type === "directory" ? 16877 : type === "symlink" ? 41453 : 33188),
          size: f.sizeField ?? plainLength,
          birth: secs(f.birth ?? mtime),
          lastModified: secs(mtime),
          lastStatusChange: secs(f.ctime ?? mtime),
          inode: inode++,
          protectionClass,
          encryptionKey,
          target: f.target
        });
        ins.run(id, f.domain, f.relativePath, type === "directory" ? 2 : type === "symlink" ? 4 : 1, blob);
        if (type === "file" && !f.omitPayload && data) {
          mkdirSync(join(dir, id.slice(0, 2)), { recursive: true });
          writeFileSync(join(dir, id.slice(0, 2), id), data);
        }
      }
    })();
    db.exec(`CREATE INDEX FilesDomainIdx ON Files(domain);
      CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
      CREATE INDEX FilesFlagsIdx ON Files(flags);`);
    db.close();
    let manifestDbSha256;
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
export {
  buildIosBackup,
  fileIdFor
};
