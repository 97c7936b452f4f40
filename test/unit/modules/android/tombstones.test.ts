// Regression test found by fuzzing (npm run fuzz, target module:tombstones).
import { moduleContext } from "../../../helpers/module-context.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import { memoryView } from "../../../../src/acquisitions/memory.ts";
import { VigilError } from "../../../../src/core/errors.ts";
import tombstones from "../../../../src/modules/android/tombstones.ts";

test("when every tombstone is unreadable the module throws the parser's VigilError, not a plain Error", async () => {
  const view = memoryView({ kind: "android_bugreport", platform: "android", files: [{ path: "FS/data/tombstones/tombstone_00", data: "no tombstone here\n" }] });
  const ctx = await moduleContext(tombstones, view);
  await assert.rejects(
    async () => {
      for await (const _ of tombstones.records(ctx) as AsyncIterable<unknown>);
    },
    (e: unknown) => e instanceof VigilError && e.oneLine() === 'FS/data/tombstones/tombstone_00: not a tombstone (no "pid: P, tid: T, name: ..." line)',
  );
});
