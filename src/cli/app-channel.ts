// The command's side of the channel to `vigil app` (app/child-protocol.ts): secrets asked of the
// app instead of a terminal, and the app's "cancel" (or its going away) ending the command. The
// channel never keeps the command alive by itself: it is referenced only while a secret is awaited.
import { APP_CHANNEL_ENV, type FromCommand, type SecretName, type ToCommand } from "../app/child-protocol.ts";
import { interrupt } from "../core/interrupt.ts";

/** True when the app started this command with its channel. */
export function fromApp(): boolean {
  return process.env[APP_CHANNEL_ENV] === "1" && typeof process.send === "function";
}

/** Stops the command when the app says so or goes away. */
export function listenToApp(): void {
  if (!fromApp()) return;
  process.channel?.unref();
  process.on("message", (m: ToCommand) => {
    if (m?.type === "cancel") interrupt("SIGTERM");
  });
  process.on("disconnect", () => interrupt("SIGTERM"));
}

/** Asks the app for a secret; undefined when the person gave none. */
export function askApp(secret: SecretName, question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onMessage = (m: ToCommand) => {
      if (m?.type !== "secret") return;
      process.off("message", onMessage);
      process.channel?.unref();
      resolve(m.value ?? undefined);
    };
    process.on("message", onMessage);
    process.channel?.ref();
    process.send!({ type: "secret", secret, question } satisfies FromCommand);
  });
}

/** Tells the app why the command failed, so that its page can say what to do (a wrong password). */
export function tellAppFailed(code: string | undefined, message: string): Promise<void> {
  if (!fromApp() || !process.connected) return Promise.resolve();
  return new Promise((resolve) => process.send!({ type: "failed", ...(code ? { code } : {}), message } satisfies FromCommand, undefined, {}, () => resolve()));
}
