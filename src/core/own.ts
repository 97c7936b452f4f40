// Lookups in constant tables by a key read from input (a results file's field names, an
// indicator file's column names and types): only what the table itself holds, never what every
// object inherits ("constructor", "__proto__"), which a crafted key can name.

/** `table[key]` when the table holds `key` itself, else undefined. */
export function own<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
