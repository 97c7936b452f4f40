// Types of build.mjs, for the tests that call it.
export const ENTRY_POINTS: { main: string; worker: string };
export function sourceStamp(root?: string): string;
export function isBuilt(root?: string, dist?: string): boolean;
export function build(options?: { root?: string; dist?: string; clean?: boolean }): Promise<string>;
