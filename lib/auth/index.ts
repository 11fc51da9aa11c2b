import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { env } from '@/lib/env';
import { checkCredentials, clientAddressFrom } from './credentials';

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
  }
}

/** Carries the lock's remaining minutes to the sign-in form; never says whether the account exists. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterMinutes: number) {
    super();
    this.code = `throttled_${retryAfterMinutes}`;
  }
}

const THIRTY_DAYS = 30 * 24 * 60 * 60;

// Lazy config: the secret comes from lib/env, read when the first request needs it, not at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: env().authSecret,
  // The app runs behind Vercel's or a container's proxy; the Host header it gets is the one users typed.
  trustHost: true,
  // Signed, encrypted session cookies: they survive restarts as long as AUTH_SECRET stays the same.
  // Deactivation still takes effect at once, because every page and action reloads the user (lib/auth/session.ts).
  session: { strategy: 'jwt', maxAge: THIRTY_DAYS },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials, request) {
        const email = typeof credentials.email === 'string' ? credentials.email : '';
        const password = typeof credentials.password === 'string' ? credentials.password : '';
        if (!email || !password) return null;
        const outcome = await checkCredentials(await getDb(), {
          email,
          password,
          clientAddress: clientAddressFrom(request.headers),
        });
        if (outcome.ok) return { id: outcome.user.id, email: outcome.user.email, name: outcome.user.name };
        if (outcome.reason === 'throttled') throw new ThrottledSignIn(outcome.retryAfterMinutes);
        return null;
      },
    }),
  ],
  callbacks: {
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));
