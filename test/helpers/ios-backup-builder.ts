// The backup builder lives in src (vigil demo and the benchmark use it too).
export * from "../../src/acquisitions/ios-backup/build.ts";
