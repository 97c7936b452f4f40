// Findings already known and tracked elsewhere (issue #20's list of defects, being fixed on
// their own branch): reported by every run, but they do not fail `npm run fuzz`. Remove an entry
// when its fix lands; the smoke run then guards it like any other finding.
export interface Known {
  target: RegExp;
  signature: RegExp;
  why: string;
}

export const KNOWN: Known[] = [
  // Raw stream errors of a damaged member (zlib, yauzl's size checks) escape ZipArchive.readFile.
  { target: /^zip$/, signature: /^exception Error: .*(@ node_modules\/yauzl\/|@ \?$)/, why: "#20 defect 4, zip stream errors" },
  // Non-text values (BLOB, integer) in text columns reach string methods in the SMS modules.
  { target: /^module:sms(_attachments)?$/, signature: /^exception TypeError: r\.(phone_number|filename)\.\w+ is not a function/, why: "#20 defect 6, non-text values in SMS text columns" },
  // JSON.parse's message quotes the input, newlines included, into the one-line error.
  { target: /^results-json$/, signature: /^VigilError with a multi-line message/, why: "#20 defect 10, results JSON read without validation" },
  // A damaged tar can leave the tar pass waiting on a stream that never ends.
  { target: /^tar$/, signature: /^hang /, why: "#20 defect 2 area (tar member reading), to check after the PAX sparse fix" },
];

export function knownWhy(target: string, signature: string): string | undefined {
  return KNOWN.find((k) => k.target.test(target) && k.signature.test(signature))?.why;
}
