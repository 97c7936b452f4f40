// The worker's entry when Vigil runs from its sources (tests that import src/): a worker thread
// does not inherit the main thread's tsx loader, so it registers its own.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
