// Where WhatsApp (and WhatsApp Business) keep their databases, for the whatsapp* modules.
import type { ArtifactSpec } from "../../../acquisitions/view.ts";

// WhatsApp Business uses the group "group.net.whatsapp.WhatsAppSMB.shared".
const DOMAINS = ["AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared"];
const FS_DIR = "private/var/mobile/Containers/Shared/AppGroup/*";

export function whatsappFile(name: string): ArtifactSpec {
  return { backup: DOMAINS.map((domain) => ({ domain, path: name })), fs: [`${FS_DIR}/${name}`] };
}

/** "100000000000001@lid" → "100000000000001"; "+1 415…" → "1415…" (digits only). */
export function jidUser(jid: string | null | undefined): string {
  if (!jid) return "";
  const at = jid.indexOf("@");
  return (at >= 0 ? jid.slice(0, at) : jid).replace(/[^\d]/g, "");
}
