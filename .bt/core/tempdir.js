import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
let root;
let counter = 0;
function cleanup() {
  if (root) {
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
    }
    root = void 0;
  }
}
function privateTempDir(label = "t") {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), "vigil-"));
    process.once("exit", cleanup);
    for (const sig of ["SIGINT", "SIGTERM"]) {
      process.once(sig, () => {
        cleanup();
        process.exit(130);
      });
    }
  }
  return mkdtempSync(join(root, `${label.replace(/[^\w.-]/g, "_")}-${counter++}-`));
}
function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
export {
  privateTempDir,
  removeTempDir
};
