/** Next.js calls this once per server instance; the work lives in lib/server-start.ts (Node.js only). */
export async function register() {
  // Compared against the literal so the bundler drops the Node.js-only import from the edge build.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./lib/server-start');
    startServer();
  }
}
