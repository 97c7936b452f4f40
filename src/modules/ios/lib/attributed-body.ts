// Since iOS 16, Messages often leaves message.text NULL and keeps the text only in
// message.attributedBody: an NSAttributedString in Apple's old "typedstream" archive format
// (NSArchiver, not NSKeyedArchiver). The string is the first NSString object of the stream:
// its class name, then the type code "+" (a C string of bytes), then a length and UTF-8 bytes.

const STREAMTYPED = Buffer.from("streamtyped", "latin1");
const NSSTRING = Buffer.from("NSString", "latin1");
const NSMUTABLESTRING = Buffer.from("NSMutableString", "latin1");

/** The plain text of an attributedBody blob, or undefined when it holds none or is not a typedstream. */
export function attributedBodyText(blob: Buffer | Uint8Array | null | undefined): string | undefined {
  if (!blob || blob.length < 20) return undefined;
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  if (buf.indexOf(STREAMTYPED) < 0 || buf.indexOf(STREAMTYPED) > 8) return undefined;
  let cls = buf.indexOf(NSSTRING);
  const mut = buf.indexOf(NSMUTABLESTRING);
  if (cls < 0 || (mut >= 0 && mut < cls)) cls = mut;
  if (cls < 0) return undefined;
  // The "+" type code follows the class chain within a few bytes ("\x01\x94\x84\x01+").
  let p = -1;
  for (let i = cls; i < Math.min(buf.length - 1, cls + 40); i++) {
    if (buf[i] === 0x01 && buf[i + 1] === 0x2b) {
      p = i + 2;
      break;
    }
  }
  if (p < 0 || p >= buf.length) return undefined;
  let len: number;
  const b = buf[p];
  if (b === 0x81) {
    if (p + 3 > buf.length) return undefined;
    len = buf.readUInt16LE(p + 1);
    p += 3;
  } else if (b === 0x82) {
    if (p + 5 > buf.length) return undefined;
    len = buf.readUInt32LE(p + 1);
    p += 5;
  } else if (b < 0x80) {
    len = b;
    p += 1;
  } else {
    return undefined;
  }
  if (len <= 0 || p + len > buf.length) return undefined;
  return buf.toString("utf8", p, p + len);
}
