// A module context for tests that walk a module's records() by hand: the module's files found in
// the view, no indicators, and every callback a no-op unless the test passes its own.
import type { AcquisitionView } from "../../src/acquisitions/view.ts";
import { matcherFromValues } from "../../src/indicators/matcher.ts";
import type { ModuleContext, ModuleDef } from "../../src/modules/contract.ts";

export async function moduleContext(mod: ModuleDef<any>, view: AcquisitionView, over: Partial<ModuleContext> = {}): Promise<ModuleContext> {
  const none = () => {};
  return {
    view,
    iocs: matcherFromValues({}),
    files: await view.find(mod.reads),
    wanted: mod.reads,
    detect: none,
    expose: none,
    event: none,
    warn: none,
    cover: none,
    progress: none,
    ...over,
  };
}
