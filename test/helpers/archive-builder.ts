// Builds zip and tar(.gz) files in code for tests, including hostile ones (path traversal,
// absolute names, escaping links, bombs) that no well-behaved archiver would write.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateRawSync, gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface ZipMember {
  name: string;
  data?: Buffer | string;
  /** 0 stored, 8 deflate (default). */
  method?: 0 | 8;
  /** Unix mode including the file type bits (0o120777 for a symlink). */
  mode?: number;
  mtime?: Date;
  /** Lie about the uncompressed size in the headers. */
  declaredSize?: number;
  /** Name flagged as UTF-8 (default true). */
  utf8?: boolean;
}

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * A zip written by hand: local headers, data, central directory, end record. `overlap` adds
 * `overlap` extra central-directory entries that all point at the first member's data (the
 * flat "overlapping" zip bomb).
 */
export function buildZip(members: ZipMember[], opts: { overlap?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const cdFor: { name: Buffer; crc: number; csize: number; usize: number; method: number; mode?: number; t: { time: number; date: number }; offset: number; utf8: boolean; ut?: Buffer }[] = [];
  for (const m of members) {
    const data = typeof m.data === "string" ? Buffer.from(m.data) : (m.data ?? Buffer.alloc(0));
    const method = m.method ?? 8;
    const comp = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(m.name, m.utf8 === false ? "latin1" : "utf8");
    const crc = crc32(data) >>> 0;
    const usize = m.declaredSize ?? data.length;
    const mtime = m.mtime ?? new Date(2024, 0, 2, 3, 4, 6);
    const t = dosTime(mtime);
    // Info-ZIP "UT" extra field with the UTC mtime, as zip(1) on Unix writes it.
    const ut = Buffer.alloc(9);
    ut.writeUInt16LE(0x5455, 0);
    ut.writeUInt16LE(5, 2);
    ut.writeUInt8(1, 4);
    ut.writeInt32LE(Math.floor(mtime.getTime() / 1000), 5);
    const flags = m.utf8 === false ? 0 : 0x800;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt16LE(t.time, 10);
    lh.writeUInt16LE(t.date, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(usize, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(ut.length, 28);
    locals.push(lh, name, ut, comp);
    cdFor.push({ name, crc, csize: comp.length, usize, method, mode: m.mode, t, offset, utf8: m.utf8 !== false, ut });
    offset += lh.length + name.length + ut.length + comp.length;
  }
  const extra = opts.overlap ?? 0;
  for (let i = 0; i < extra && cdFor.length; i++) cdFor.push({ ...cdFor[0], name: Buffer.from(`copy${i}.bin`) });
  for (const c of cdFor) {
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(c.utf8 ? 0x800 : 0, 8);
    ch.writeUInt16LE(c.method, 10);
    ch.writeUInt16LE(c.t.time, 12);
    ch.writeUInt16LE(c.t.date, 14);
    ch.writeUInt32LE(c.crc, 16);
    ch.writeUInt32LE(c.csize, 20);
    ch.writeUInt32LE(c.usize, 24);
    ch.writeUInt16LE(c.name.length, 28);
    ch.writeUInt16LE(c.ut ? c.ut.length : 0, 30);
    ch.writeUInt32LE((((c.mode ?? (c.name.at(-1) === 0x2f ? 0o040755 : 0o100644)) & 0xffff) << 16) >>> 0, 38);
    ch.writeUInt32LE(c.offset, 42);
    centrals.push(ch, c.name, c.ut ?? Buffer.alloc(0));
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(cdFor.length, 8);
  end.writeUInt16LE(cdFor.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface TarMember {
  name: string;
  data?: Buffer | string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  linkname?: string;
  mtime?: Date;
  mode?: number;
  /** PAX records of the member (GNU.sparse.* for a sparse file). */
  pax?: Record<string, string>;
}

/** A tar built with tar-stream's pack (which writes whatever name it is given). */
export async function buildTar(members: TarMember[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  })();
  for (const m of members) {
    const data = typeof m.data === "string" ? Buffer.from(m.data) : m.data;
    const type = m.type ?? "file";
    const header = { name: m.name, type, linkname: m.linkname, mtime: m.mtime ?? new Date("2024-01-02T03:04:05Z"), mode: m.mode ?? (type === "directory" ? 0o755 : 0o644), size: type === "file" ? (data?.length ?? 0) : 0, ...(m.pax ? { pax: m.pax } : {}) };
    await new Promise<void>((res, rej) => {
      if (type === "file") pack.entry(header, data ?? Buffer.alloc(0), (err) => (err ? rej(err) : res()));
      else pack.entry(header, (err) => (err ? rej(err) : res())).end(undefined);
    });
  }
  pack.finalize();
  await done;
  const buf = Buffer.concat(chunks);
  return opts.gzip ? gzipSync(buf) : buf;
}

/** A fresh folder for test files (removed by the OS temp cleaner; tests may rm it). */
export function testDir(label = "vigil-test"): string {
  return mkdtempSync(join(tmpdir(), `${label}-`));
}

export function writeTemp(dir: string, name: string, data: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
