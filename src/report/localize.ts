// The words of a results folder in the reader's language: a detection's title, why and rule
// description, a module's title, a coverage reason. Each comes from the catalogs when the
// results carry its message (Vigil's own results), else it is the English text the results hold
// (MVT's results, or a sentence the catalogs do not have).
import { hasMessage, render } from "../core/i18n/index.ts";
import type { Coverage, Detection, Message, Platform } from "../core/model.ts";

/** A text to show: in `lang`, with the message it came from (for the page's language switch). */
export interface Localized {
  text: string;
  message?: Message;
  /** The English text, shown when the page switches to a language that lacks the message. */
  english: string;
}

function localized(lang: string, message: Message | undefined, english: string): Localized {
  if (!message || !hasMessage(message.id, "en")) return { text: english, english };
  return { text: hasMessage(message.id, lang) ? render(lang, message) : english, message, english };
}

export function detectionTitle(lang: string, d: Detection): Localized {
  return localized(lang, d.message?.title, d.title);
}

export function detectionWhy(lang: string, d: Detection): Localized | undefined {
  return d.why === undefined ? undefined : localized(lang, d.message?.why, d.why);
}

export function ruleDescription(lang: string, d: Detection): Localized | undefined {
  return d.rule ? localized(lang, d.message?.rule, d.rule.description) : undefined;
}

/**
 * A module's title: `module.<platform>.<name>`, or `module.<name>` for entries of every platform.
 * A module checked in two views of one acquisition is named with its view's prefix (backup_sms):
 * the name after the prefix is tried too.
 */
export function moduleTitle(lang: string, platform: Platform | undefined, c: Pick<Coverage, "module" | "title">): Localized {
  const names = [c.module, c.module.slice(c.module.indexOf("_") + 1)];
  for (const name of names) {
    for (const id of [`module.${platform}.${name}`, `module.${name}`]) {
      if (hasMessage(id)) return localized(lang, { id }, c.title);
    }
  }
  return { text: c.title, english: c.title };
}

export function coverageReason(lang: string, c: Coverage): Localized | undefined {
  return c.reason === undefined ? undefined : localized(lang, c.reason_message, c.reason);
}
