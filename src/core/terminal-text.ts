// Text for a terminal. Evidence values reach the summary and progress lines (a process path in a
// detection title, a file name in a failure reason): their control characters would be obeyed
// by the terminal (an escape sequence can move up and rewrite the verdict line, or hide what
// follows), and a line break would forge a line. They are shown as escapes instead.

// C0 controls but the tab, DEL, C1 controls (0x9b starts a sequence on some terminals), and the
// bidirectional overrides and isolates that reorder what is shown.
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line as a terminal should show it: control characters as \xNN or \u{NNNN} escapes. */
export function terminalLine(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
  });
}

/** Lines joined for a terminal, each made safe with terminalLine. */
export function terminalLines(lines: string[]): string {
  return lines.map(terminalLine).join("\n");
}
