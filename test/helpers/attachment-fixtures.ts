// Attachment files built in code, each with the bytes its format starts (and ends) with: the
// ordinary kinds and the mismatches of known zero-click deliveries (a PDF or JBIG2 stream named
// ".gif", a PassKit bundle with WebP images, a DNG or JPEG with a ZIP archive appended).
import { buildZip } from "./archive-builder.ts";

const pad = (n: number, fill = 0x20) => Buffer.alloc(n, fill);

export function gifFile(): Buffer {
  return Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), pad(64, 0), Buffer.from([0x3b])]);
}

export function pngFile(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pad(200, 0)]);
}

/** A JPEG of `size` bytes (SOI, APP0, filler, EOI). */
export function jpegFile(size = 4000): Buffer {
  const body = Buffer.alloc(Math.max(0, size - 22), 0x11);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0", "latin1"), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0]), body, Buffer.from([0xff, 0xd9])]);
}

/** A little-endian TIFF (DNG is TIFF) of `size` bytes. */
export function dngFile(size = 6000): Buffer {
  return Buffer.concat([Buffer.from("II*\0", "latin1"), Buffer.from([8, 0, 0, 0]), Buffer.alloc(size - 8, 0x22)]);
}

/** A PDF whose page is a JBIG2 image, as FORCEDENTRY's files were. */
export function pdfFile(): Buffer {
  return Buffer.from("%PDF-1.3\n1 0 obj\n<< /Type /XObject /Subtype /Image /Filter /JBIG2Decode /Length 8 >>\nstream\n\x97JB2\r\n\x1a\nendstream\nendobj\n%%EOF\n", "latin1");
}

export function jbig2File(): Buffer {
  return Buffer.concat([Buffer.from([0x97, 0x4a, 0x42, 0x32, 0x0d, 0x0a, 0x1a, 0x0a, 0x01, 0, 0, 0, 1]), pad(100, 0)]);
}

export function webpFile(): Buffer {
  const body = Buffer.concat([Buffer.from("WEBPVP8L", "latin1"), Buffer.from([0x20, 0, 0, 0, 0x2f]), pad(40, 0)]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), size, body]);
}

/** A PassKit bundle: pass.json, its manifest and images (PNG unless `webp`). */
export function pkpassFile(opts: { webp?: boolean } = {}): Buffer {
  const img = opts.webp ? { name: "logo.webp", data: webpFile() } : { name: "logo.png", data: pngFile() };
  return buildZip([
    { name: "pass.json", data: JSON.stringify({ formatVersion: 1, passTypeIdentifier: "pass.example", serialNumber: "1" }) },
    { name: "manifest.json", data: "{}" },
    { name: "icon.png", data: pngFile() },
    img,
    { name: "signature", data: Buffer.alloc(32, 1) },
  ]);
}

/** An image with a ZIP archive appended after its data, as LANDFALL's DNG files. */
export function withAppendedZip(image: Buffer): Buffer {
  return Buffer.concat([image, buildZip([{ name: "lib/arm64-v8a/libloader.so", data: Buffer.alloc(3000, 0x7f) }, { name: "b.so", data: "x" }])]);
}
