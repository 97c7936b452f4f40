// The binary plist writer lives in src (the backup builder uses it).
export * from "../../src/formats/bplist-writer.ts";
