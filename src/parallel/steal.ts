// Taking over the end of a big module from the thread running it. In a parallel run, the
// biggest module often runs alone on one thread long after the others ran out of work (on the
// bench backup: sms on one thread, every other module on the other). A module that can be read
// by key ranges (ModuleDef.shardable, one file) runs whole, but announces its keys in shared
// memory; a thread that finds the queue empty takes over the upper half of the keys it has not
// read yet, and runs the module on those as a part whose output is put after the owner's.
// The owner claims each page of rows under a lock (LiveKeys.accept), so no row is read twice or
// missed however the two threads interleave.
import type { LiveKeys } from "../core/shard.ts";

/** Bytes of shared memory per module that can be taken over. */
const SLOT_BYTES = 32;
// Int32 fields of a slot (its first 16 bytes) and Float64 fields (its last 16). A slot's state
// starts at 0: not started.
const LOCK = 0;
const STATE = 1;
const PARTS = 2;
const ACCEPTED = 2;
const BOUND = 3;
const RUNNING = 1;
const DONE = 2;

/** Shared memory for `slots` modules. */
export function stealMemory(slots: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, slots) * SLOT_BYTES);
}

class Slot {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  constructor(memory: SharedArrayBuffer, slot: number) {
    this.i32 = new Int32Array(memory, slot * SLOT_BYTES, 4);
    this.f64 = new Float64Array(memory, slot * SLOT_BYTES, 4);
  }
  /** Runs `f` holding the slot's lock (held for a few instructions: waiting is spinning). */
  locked<T>(f: () => T): T {
    while (Atomics.compareExchange(this.i32, LOCK, 0, 1) !== 0);
    try {
      return f();
    } finally {
      Atomics.store(this.i32, LOCK, 0);
    }
  }
  get state(): number {
    return this.i32[STATE];
  }
  set state(v: number) {
    this.i32[STATE] = v;
  }
  get accepted(): number {
    return this.f64[ACCEPTED];
  }
  set accepted(v: number) {
    this.f64[ACCEPTED] = v;
  }
  get bound(): number {
    return this.f64[BOUND];
  }
  set bound(v: number) {
    this.f64[BOUND] = v;
  }
  nextPart(): number {
    return ++this.i32[PARTS];
  }
}

/** The owner's side of slot `slot`: the module running whole reads its keys through it. */
export function liveKeys(memory: SharedArrayBuffer, slot: number): LiveKeys {
  const s = new Slot(memory, slot);
  return {
    begin: (lo, hi) =>
      s.locked(() => {
        s.accepted = lo - 1;
        s.bound = hi;
        s.state = RUNNING;
      }),
    bound: () => s.locked(() => s.bound),
    accept: (last) =>
      s.locked(() => {
        s.accepted = Math.max(s.accepted, Math.min(last, s.bound));
        return s.bound;
      }),
    end: () =>
      s.locked(() => {
        s.state = DONE;
      }),
  };
}

/** Keys taken over: run the module on [from, to] as part `part`. */
export interface Taken {
  from: number;
  to: number;
  part: number;
}

/**
 * Takes over the upper half of the keys the owner of `slot` has not claimed yet, when at least
 * `minKeys` are left; undefined otherwise (not started, finished, or too little left).
 */
export function takeOver(memory: SharedArrayBuffer, slot: number, minKeys: number): Taken | undefined {
  const s = new Slot(memory, slot);
  return s.locked(() => {
    if (s.state !== RUNNING) return undefined;
    const left = s.bound - s.accepted;
    if (!(left >= Math.max(2, minKeys))) return undefined;
    const cut = s.accepted + Math.floor(left / 2);
    const taken = { from: cut + 1, to: s.bound, part: s.nextPart() };
    s.bound = cut;
    return taken;
  });
}
