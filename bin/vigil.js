#!/usr/bin/env node
// Vigil ships as TypeScript and needs no build step: the sources are bundled on first run (and
// again after any change) into dist/, see scripts/bundle.mjs. Where that cannot be done, the
// sources run through tsx. VIGIL_NO_BUNDLE=1 forces the tsx path.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

let bundle;
if (!process.env.VIGIL_NO_BUNDLE) {
  try {
    bundle = await (await import("../scripts/bundle.mjs")).ensureBundle();
  } catch {
    bundle = undefined;
  }
}
if (bundle) {
  await import(pathToFileURL(join(bundle, "main.js")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
