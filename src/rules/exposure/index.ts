// The exposure part of a check: the table of flaws exploited in the wild against phones and
// messengers, and which of them a phone's versions left it open to. See docs/exposure.md.
export type { ExposureEntry, ExposureTable, Fix, IosFix, AndroidFix, AppFix, Campaign, PhonePlatform } from "./model.ts";
export { loadExposureTable, parseExposureTable, BUNDLED_EXPOSURE_TABLE } from "./table.ts";
export {
  evaluateExposure,
  type ExposureInput,
  type ExposureResult,
  type ExposureWindow,
  type NotEvaluated,
  type Observation,
  type IosObservation,
  type AndroidObservation,
  type AppObservation,
  type DeviceFacts,
  type Span,
} from "./evaluate.ts";
export { buildExposureTable, KEV_URL, type BuildInput, type BuildResult } from "./build.ts";
export { compareIosVersions, compareBuilds, compareDotted, iosFixStatus, androidFixStatus, appFixStatus, normalizePatchLevel } from "./versions.ts";
