// Checks a module's records against MVT's field names listed for it (src/modules/mvt-fields.ts):
// every listed field is a key of the records the module emitted on a test's fixture.
import assert from "node:assert/strict";
import { MVT_IOS_FIELDS } from "../../src/modules/mvt-fields.ts";

export function assertMvtFields(module: string, records: unknown[]): void {
  const want = MVT_IOS_FIELDS[module];
  assert.ok(want, `${module}: no MVT field list in src/modules/mvt-fields.ts`);
  assert.ok(records.length > 0, `${module}: no records to check MVT's fields on`);
  const keys = new Set(records.flatMap((r) => Object.keys(r as object)));
  const missing = want.filter((f) => !keys.has(f));
  assert.deepEqual(missing, [], `${module}: MVT's fields in no record (record keys: ${[...keys].join(", ")})`);
}
