// npm run docs: rewrites docs/modules.md from the module declarations.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { modulesMarkdown } from "../src/cli/modules-doc.ts";
import { allModules } from "../src/modules/registry.ts";

writeFileSync(join(import.meta.dirname, "..", "docs", "modules.md"), modulesMarkdown(allModules));
