import { readFileSync } from "node:fs";
const VERSION = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
export {
  VERSION
};
