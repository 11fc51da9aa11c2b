import type { Logger } from 'imapflow';

/**
 * Counts the IMAP commands the importer sends and notes when the conversation started and ended.
 * ImapFlow logs every line it writes at debug level with `src: 'c'` ("client") and every untagged or
 * tagged server line with `src: 's'`; continuation lines of a command (the AUTHENTICATE response)
 * count as commands, because each is a round trip.
 */
export interface CommandRecorder {
  logger: Logger;
  /** "VERB arguments…" without the tag, in the order sent. */
  commands: string[];
  /** performance.now() of the server's first line (the greeting) and last line (the LOGOUT reply). */
  firstServerLineAt: number | undefined;
  lastServerLineAt: number | undefined;
}

export function recordImapCommands(): CommandRecorder {
  const ignore = () => undefined;
  const recorder: CommandRecorder = {
    commands: [],
    firstServerLineAt: undefined,
    lastServerLineAt: undefined,
    logger: {
      debug: (entry: { src?: string; msg?: string }) => {
        if (entry.src === 'c' && typeof entry.msg === 'string') recorder.commands.push(entry.msg.replace(/^\S+\s+/, ''));
        if (entry.src === 's') {
          const now = performance.now();
          recorder.firstServerLineAt ??= now;
          recorder.lastServerLineAt = now;
        }
      },
      info: ignore,
      warn: ignore,
      error: ignore,
    },
  };
  return recorder;
}

/** "ID, AUTHENTICATE, …": the verbs only, for a one-line account of what a pass sent. */
export function commandVerbs(commands: readonly string[]): string {
  return commands
    .map((command, index) => {
      // The line after AUTHENTICATE carries the credentials: name it, never show it.
      if (/^AUTHENTICATE\b/i.test(commands[index - 1] ?? '') && !/\s/.test(command)) return '(auth continuation)';
      const words = command.split(' ');
      // UID FETCH / UID SEARCH / UID STORE are one command each.
      return words[0]?.toUpperCase() === 'UID' ? `UID ${words[1]?.toUpperCase() ?? ''}` : (words[0]?.toUpperCase() ?? '');
    })
    .join(', ');
}
