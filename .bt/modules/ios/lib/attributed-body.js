const STREAMTYPED = Buffer.from("streamtyped", "latin1");
const NSSTRING = Buffer.from("NSString", "latin1");
const NSMUTABLESTRING = Buffer.from("NSMutableString", "latin1");
function attributedBodyText(blob) {
  if (!blob || blob.length < 20) return void 0;
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  if (buf.indexOf(STREAMTYPED) < 0 || buf.indexOf(STREAMTYPED) > 8) return void 0;
  let cls = buf.indexOf(NSSTRING);
  const mut = buf.indexOf(NSMUTABLESTRING);
  if (cls < 0 || mut >= 0 && mut < cls) cls = mut;
  if (cls < 0) return void 0;
  let p = -1;
  for (let i = cls; i < Math.min(buf.length - 1, cls + 40); i++) {
    if (buf[i] === 1 && buf[i + 1] === 43) {
      p = i + 2;
      break;
    }
  }
  if (p < 0 || p >= buf.length) return void 0;
  let len;
  const b = buf[p];
  if (b === 129) {
    if (p + 3 > buf.length) return void 0;
    len = buf.readUInt16LE(p + 1);
    p += 3;
  } else if (b === 130) {
    if (p + 5 > buf.length) return void 0;
    len = buf.readUInt32LE(p + 1);
    p += 5;
  } else if (b < 128) {
    len = b;
    p += 1;
  } else {
    return void 0;
  }
  if (len <= 0 || p + len > buf.length) return void 0;
  return buf.toString("utf8", p, p + len);
}
export {
  attributedBodyText
};
