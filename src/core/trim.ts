// Characters cut from the ends of a string by a scan from that end. An expression such as
// /[.,;]+$/ tries every position of a long run of those characters inside the string, which is
// quadratic: minutes for a damaged or hostile value of a megabyte.

/** `s` without the characters of `chars` at its end. */
export function trimEndOf(s: string, chars: string): string {
  let e = s.length;
  while (e > 0 && chars.includes(s[e - 1]!)) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** `s` without the characters of `chars` at its start. */
export function trimStartOf(s: string, chars: string): string {
  let b = 0;
  while (b < s.length && chars.includes(s[b]!)) b++;
  return b === 0 ? s : s.slice(b);
}
