// What `vigil app` and the vigil command it starts say to each other over the child's IPC
// channel: the command asks for a secret only when the acquisition turns out to be encrypted
// (the app asks the person in its page), and the app can tell the command to stop. Progress and
// results go through stderr (--progress json) and the results folder, as for any program.

/** Set to "1" in the environment of a command started by the app. */
export const APP_CHANNEL_ENV = "VIGIL_APP_CHANNEL";

export type SecretName = "password" | "passphrase";

export type FromCommand =
  | { type: "secret"; secret: SecretName; question: string }
  /** The command's one-line error, with its VigilError code ("password" for a wrong one), as it ends. */
  | { type: "failed"; code?: string; message: string };

export type ToCommand =
  /** The secret asked for; null when the person gave none. */
  | { type: "secret"; value: string | null }
  /** Stop now: the command stops as on SIGTERM (its clean-ups remove what it wrote and its temp folder). */
  | { type: "cancel" };
