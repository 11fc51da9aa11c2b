/**
 * Runs once when a server instance starts. Validating the environment here makes a misconfigured
 * deployment fail at start-up, with a message naming the variable, instead of at its first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
