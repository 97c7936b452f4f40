// How one zip central-directory record becomes an entry the views list, or a refusal: its name
// decoded (UTF-8, the Info-ZIP Unicode Path field, or CP437) and judged (safety.ts), its type
// read from the Unix mode or the DOS attributes. Limits that need the whole directory (sizes,
// duplicates, overlaps) are ZipArchive's.
import { crc32 } from "node:zlib";
import type yauzl from "yauzl";
import { isoDate, type ArchiveEntry } from "./entry.ts";
import { checkEntryPath, refusal, type Refusal } from "./safety.ts";

const CP437 =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

function decodeZipName(raw: Buffer, utf8: boolean, extra: { id: number; data: Buffer }[]): string {
  // Info-ZIP Unicode Path field: trusted only when its CRC matches the raw name, as the spec says.
  for (const f of extra) {
    if (f.id === 0x7075 && f.data.length >= 6 && f.data[0] === 1 && crc32(raw) >>> 0 === f.data.readUInt32LE(1)) {
      return f.data.subarray(5).toString("utf8");
    }
  }
  if (utf8) return raw.toString("utf8");
  let s = "";
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437[b - 0x80];
  return s;
}

/** An entry and where its data is in the zip. */
export interface ZipItem extends ArchiveEntry {
  offset: number;
  method: number;
  flags: number;
  crc: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export type ZipMember =
  /** Listed; `name` is the entry's name as stored (errors quote it). */
  | { item: ZipItem; name: string }
  /** Refused. `always`: whatever the unsafe policy (device files, encrypted entries), never an error. */
  | { refused: Refusal; always?: boolean }
  /** The archive's own root: nothing to list. */
  | { skip: true };

export function readZipMember(e: yauzl.Entry): ZipMember {
  const raw = e.fileName as unknown as Buffer;
  const name = decodeZipName(raw, (e.generalPurposeBitFlag & 0x800) !== 0, e.extraFields);
  const checked = checkEntryPath(name, { backslashIsSeparator: true });
  if ("reason" in checked) return { refused: checked };
  if (!checked.path) return { skip: true };
  const madeBy = e.versionMadeBy >> 8;
  const unixMode = madeBy === 3 || madeBy === 19 ? (e.externalFileAttributes >>> 16) & 0xffff : 0;
  const fmt = unixMode & S_IFMT;
  let type: ArchiveEntry["type"] = "file";
  if (name.endsWith("/") || name.endsWith("\\") || fmt === S_IFDIR || (madeBy === 0 && (e.externalFileAttributes & 0x10) !== 0)) type = "directory";
  else if (fmt === S_IFLNK) type = "symlink";
  else if (fmt !== 0 && fmt !== S_IFREG) return { refused: refusal(name, "special"), always: true };
  if (e.isEncrypted()) return { refused: refusal(name, "zip_encrypted"), always: true };
  let modified: string | undefined;
  try {
    modified = isoDate(e.getLastModDate());
  } catch {
    modified = undefined;
  }
  return {
    name,
    item: {
      path: checked.path,
      type,
      size: e.uncompressedSize,
      compressedSize: e.compressedSize,
      modified,
      mode: unixMode ? unixMode & 0o7777 : undefined,
      offset: e.relativeOffsetOfLocalHeader,
      method: e.compressionMethod,
      flags: e.generalPurposeBitFlag,
      crc: e.crc32,
    },
  };
}
