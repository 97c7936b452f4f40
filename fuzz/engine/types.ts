// What a fuzz target is, and what one mutation is. A target names the parser it drives, builds
// its seed inputs, lists the mutators that make sense for its format and runs one input.

/**
 * One mutation step as fast-check generates it: which mutator of the target's list, and three
 * free numbers the mutator reads as it needs (a position, a length, a value, a choice). Plain
 * numbers keep generation cheap and let fast-check shrink a failing list of steps.
 */
export type Op = readonly [mutator: number, a: number, b: number, c: number];

export interface MutateContext {
  /** Every seed of the target, for splicing. */
  seeds: readonly Buffer[];
  /**
   * The input itself when this execution already made it (the mutator may then change it in
   * place), else a copy: seeds are never changed. Made by `mutateContext` (input.ts).
   */
  writable(input: Buffer): Buffer;
}

export interface Mutator {
  name: string;
  /**
   * Returns the mutated input (may be `input` itself when the step does not apply). A step that
   * changes bytes in place gets its buffer from `ctx.writable(input)`.
   */
  apply(input: Buffer, a: number, b: number, c: number, ctx: MutateContext): Buffer;
}

export interface Target {
  /** Short name, used on the command line and in docs/fuzzing.md ("plist-binary"). */
  name: string;
  /** The code it drives, in plain words with the source file. */
  what: string;
  /**
   * Seed inputs: files from the shared corpus when `corpus` is a folder, and always fixtures
   * built in code, so the target runs without ../shared.
   */
  seeds(corpus: string | undefined): Buffer[] | Promise<Buffer[]>;
  mutators: Mutator[];
  /**
   * Parses one input the way Vigil does. The invariant: it returns (any result) or throws a
   * VigilError with a message; anything else is a finding.
   */
  run(input: Buffer): unknown;
  /** Per-execution bound when the target is slower than the default by nature. */
  timeoutMs?: number;
}

export type FindingKind = "exception" | "bad-message" | "uncaught" | "hang" | "memory" | "crash";

export interface Finding {
  target: string;
  kind: FindingKind;
  /** What makes two findings the same bug: kind, error class, message shape, first frame in src/. */
  signature: string;
  message: string;
  stack?: string;
  /** The execution that produced it: replay with `npm run fuzz -- --replay <target>:<index> --seed <seed>`. */
  index: number;
  seed: number;
}
