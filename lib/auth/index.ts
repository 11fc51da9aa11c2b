import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { getDb } from '@/db';
import { env } from '@/lib/env';
import { clientAddressFrom } from '@/lib/http/client-address';
import { checkCredentials } from './credentials';
import { SESSION_MAX_AGE_SECONDS, createUserSession, endUserSession } from './sessions';

declare module 'next-auth' {
  interface Session {
    user: { id: string } & DefaultSession['user'];
    /** The user_sessions row this cookie stands for; lib/auth/session.ts checks it on every request. */
    sessionId?: string;
  }
}

/** Carries the lock's remaining minutes to the sign-in form; never says whether the account exists. */
export class ThrottledSignIn extends CredentialsSignin {
  constructor(retryAfterMinutes: number) {
    super();
    this.code = `throttled_${retryAfterMinutes}`;
  }
}

// Lazy config: the secret comes from lib/env, read when the first request needs it, not at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: env().authSecret,
  // The app runs behind Vercel's or a container's proxy; the Host header it gets is the one users typed.
  trustHost: true,
  // The credentials provider requires JWT sessions. The (signed, encrypted) cookie carries a random
  // session id backed by a user_sessions row made at sign-in; lib/auth/session.ts requires that row
  // and an active user on every request, so deleting rows ends sessions on the server at once.
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
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
          clientAddress: clientAddressFrom(request.headers, env()),
        });
        if (outcome.ok) return { id: outcome.user.id, email: outcome.user.email, name: outcome.user.name };
        if (outcome.reason === 'throttled') throw new ThrottledSignIn(outcome.retryAfterMinutes);
        return null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      // `user` is present only at sign-in: that is when the server-side session starts.
      if (user?.id) token.sid = await createUserSession(await getDb(), user.id);
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (typeof token.sid === 'string') session.sessionId = token.sid;
      return session;
    },
  },
  events: {
    async signOut(message) {
      if ('token' in message) await endUserSession(await getDb(), message.token?.sid);
    },
  },
}));
