// Findings already known and tracked elsewhere (an issue, a branch fixing them): reported by
// every run, but they do not fail `npm run fuzz`. Remove an entry when its fix lands; the smoke
// run then guards it like any other finding. Empty: #20's defects listed here are fixed.
export interface Known {
  target: RegExp;
  signature: RegExp;
  why: string;
}

export const KNOWN: Known[] = [];

export function knownWhy(target: string, signature: string): string | undefined {
  return KNOWN.find((k) => k.target.test(target) && k.signature.test(signature))?.why;
}
