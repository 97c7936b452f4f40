import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HEAD_BYTES, TAIL_BYTES, readHeadTail, readHeadTailAt, sniff, zipAtEnd } from "../../../src/formats/file-magic.ts";
import { dngFile, gifFile, jbig2File, jpegFile, pdfFile, pkpassFile, pngFile, webpFile, withAppendedZip } from "../../helpers/attachment-fixtures.ts";

test("sniff: the type of a file from its first bytes", () => {
  const cases: [Buffer, string][] = [
    [gifFile(), "gif"],
    [pngFile(), "png"],
    [jpegFile(), "jpeg"],
    [dngFile(), "tiff"],
    [Buffer.from("MM\0*\0\0\0\x08", "latin1"), "tiff"],
    [pdfFile(), "pdf"],
    [Buffer.concat([Buffer.alloc(300, 0x20), pdfFile()]), "pdf"],
    [jbig2File(), "jbig2"],
    [Buffer.from("8BPS\0\x01", "latin1"), "psd"],
    [webpFile(), "webp"],
    [pkpassFile(), "zip"],
    [Buffer.from("\0\0\0\x18ftypheic\0\0\0\0", "latin1"), "heic"],
    [Buffer.from("\0\0\0\x14ftypqt  \0\0\0\0", "latin1"), "mov"],
    [Buffer.from("\0\0\0\x18ftypmp42\0\0\0\0", "latin1"), "mp4"],
    [Buffer.from("OggS\0\x02", "latin1"), "ogg"],
    [Buffer.from("BEGIN:VCARD\r\nVERSION:3.0", "latin1"), "vcard"],
    [Buffer.from("hello world", "latin1"), "unknown"],
    [Buffer.alloc(0), "unknown"],
  ];
  for (const [b, want] of cases) assert.equal(sniff(b.subarray(0, HEAD_BYTES)), want, want);
});

test("zipAtEnd: a ZIP file starts at 0, an appended one after the image, none otherwise", () => {
  const pass = pkpassFile({ webp: true });
  const z = zipAtEnd(pass, pass.length);
  assert.equal(z?.archiveStart, 0);
  assert.deepEqual(z?.entries, ["pass.json", "manifest.json", "icon.png", "logo.webp", "signature"]);
  const img = dngFile(9000);
  const landfall = withAppendedZip(img);
  const a = zipAtEnd(landfall.subarray(landfall.length - 4096), landfall.length);
  assert.equal(a?.archiveStart, img.length);
  assert.equal(a?.entryCount, 2);
  assert.deepEqual(a?.entries, ["lib/arm64-v8a/libloader.so", "b.so"]);
  assert.equal(zipAtEnd(img, img.length), undefined);
  assert.equal(zipAtEnd(jpegFile(), 4000), undefined);
  // An end record followed by more bytes does not close the file: not an archive at the end.
  const trailing = Buffer.concat([pass, Buffer.from("junk")]);
  assert.equal(zipAtEnd(trailing, trailing.length), undefined);
});

test("readHeadTail: keeps the head and the last TAIL_BYTES of a stream in chunks; stops early without a tail", async () => {
  const big = Buffer.alloc(TAIL_BYTES * 3 + 777);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  const chunks = (b: Buffer, n: number) => {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += n) out.push(b.subarray(i, i + n));
    return out;
  };
  const r = await readHeadTail(Readable.from(chunks(big, 10_000)), () => true);
  assert.equal(r.size, big.length);
  assert.deepEqual(r.head, big.subarray(0, HEAD_BYTES));
  assert.deepEqual(r.tail, big.subarray(big.length - TAIL_BYTES));

  let pulled = 0;
  const lazy = Readable.from(
    (function* () {
      for (const c of chunks(big, 10_000)) {
        pulled++;
        yield c;
      }
    })(),
  );
  const h = await readHeadTail(lazy, () => false);
  assert.equal(h.tail, undefined);
  assert.ok(pulled < 5, `stopped after the head (${pulled} chunks read)`);

  const small = await readHeadTail(Readable.from([gifFile()]), () => true);
  assert.deepEqual(small.tail, gifFile());
  assert.equal(small.size, gifFile().length);
});

test("readHeadTailAt: a file on disk gives the same head, tail and size as its stream", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vigil-magic-"));
  try {
    const big = withAppendedZip(dngFile(TAIL_BYTES * 2));
    const small = gifFile();
    writeFileSync(join(dir, "big"), big);
    writeFileSync(join(dir, "small"), small);
    for (const [name, data] of [["big", big], ["small", small]] as const) {
      const a = await readHeadTailAt(join(dir, name), () => true);
      const b = await readHeadTail(Readable.from([data]), () => true);
      assert.deepEqual([a.head, a.tail, a.size], [b.head, b.tail, b.size], name);
    }
    const noTail = await readHeadTailAt(join(dir, "big"), () => false);
    assert.equal(noTail.tail, undefined);
    assert.equal(noTail.size, big.length);
    assert.equal(zipAtEnd((await readHeadTailAt(join(dir, "big"), () => true)).tail!, big.length)?.archiveStart, TAIL_BYTES * 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
