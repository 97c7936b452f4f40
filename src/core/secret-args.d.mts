// Types of secret-args.mjs (plain JavaScript so that bin/vigil.js can use it before any loader).
export declare const SECRET_LONG: readonly string[];
export declare const REDACTED: "***";
export declare function redactArgs(args: readonly string[]): string[];
export declare function hasSecretArgs(args: readonly string[]): boolean;
