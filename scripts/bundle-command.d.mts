/** See bundle-command.mjs. */
export function bundleCommand(entryPath: string): Promise<string>;
