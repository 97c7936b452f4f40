// A module context for tests that walk a module's records() by hand (or call a module helper
// that takes a context): no indicators, and every callback a no-op unless the test passes its own.
import type { AcquisitionView } from "../../src/acquisitions/view.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import type { ModuleContext, ModuleDef } from "../../src/modules/contract.ts";

/** A context on `view` with no files found and nothing wanted. */
export function bareContext(view: AcquisitionView, over: Partial<ModuleContext> = {}): ModuleContext {
  const none = () => {};
  return {
    view,
    iocs: matcherFromValues({}),
    files: [],
    wanted: {},
    detect: none,
    expose: none,
    event: none,
    warn: none,
    skip: none,
    cover: none,
    progress: none,
    ...over,
  };
}

/** A context for `mod`: its files found in the view. */
export async function moduleContext(mod: ModuleDef<any>, view: AcquisitionView, over: Partial<ModuleContext> = {}): Promise<ModuleContext> {
  return bareContext(view, { files: await view.find(mod.reads), wanted: mod.reads, ...over });
}
