/**
 * Sign-in flows on top of supabase-js, with errors turned into one-line UserErrors. All flows end with a session
 * persisted by supabase-js in the injected AuthStorage.
 */
import type { Session, SupabaseClient } from '@supabase/supabase-js';
import { UserError } from '../errors';
import { AUTH_STORAGE_KEY, type AuthStorage } from './client';

function fail(action: string, error: { message?: string; status?: number; code?: string } | null | undefined): never {
  const reason = error?.message?.split('\n')[0] || 'unknown error';
  const offline = /fetch failed|ECONNREFUSED|network|ENOTFOUND/i.test(reason);
  throw new UserError(offline ? `${action} failed: cannot reach the Supabase server (offline?).` : `${action} failed: ${reason}`, {
    code: error?.code,
    detail: `status ${error?.status ?? '?'}`,
  });
}

function requireSession(action: string, session: Session | null | undefined): Session {
  if (!session) throw new UserError(`${action} failed: the server returned no session.`);
  return session;
}

export function validEmail(email: string): string {
  const e = email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) throw new UserError(`Not an email address: ${e || '(empty)'}`);
  return e;
}

export async function signInWithPassword(client: SupabaseClient, email: string, password: string): Promise<Session> {
  if (!password) throw new UserError('Enter your password.');
  const { data, error } = await client.auth.signInWithPassword({ email: validEmail(email), password });
  if (error) fail('Sign-in', error);
  return requireSession('Sign-in', data.session);
}

/** Emails a one-time code (and a magic link that returns to `redirectTo`, e.g. vscode://iopsdata.iopsdata/auth-callback). */
export async function sendEmailCode(client: SupabaseClient, email: string, redirectTo?: string): Promise<void> {
  const { error } = await client.auth.signInWithOtp({ email: validEmail(email), options: { emailRedirectTo: redirectTo, shouldCreateUser: true } });
  if (error) fail('Sending the sign-in email', error);
}

export async function verifyEmailCode(client: SupabaseClient, email: string, code: string): Promise<Session> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6,10}$/.test(token)) throw new UserError('The code from the email is 6 digits (or more); check it and try again.');
  const { data, error } = await client.auth.verifyOtp({ email: validEmail(email), token, type: 'email' });
  if (error) fail('Verifying the code', error);
  return requireSession('Verifying the code', data.session);
}

/** Returns the provider URL to open in the browser; the PKCE verifier is stored in the AuthStorage meanwhile. */
export async function startOAuth(client: SupabaseClient, provider: string, redirectTo: string): Promise<string> {
  const { data, error } = await client.auth.signInWithOAuth({ provider: provider as 'github', options: { redirectTo, skipBrowserRedirect: true } });
  if (error) fail('Starting the browser sign-in', error);
  if (!data?.url) throw new UserError('Starting the browser sign-in failed: no URL returned.');
  return data.url;
}

/**
 * Completes OAuth or a magic link from the callback URI's query: `code` (PKCE) is exchanged for a session;
 * `error_description` from the provider becomes the message.
 */
export async function completeFromCallback(client: SupabaseClient, query: string): Promise<Session> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const err = params.get('error_description') ?? params.get('error');
  if (err) throw new UserError(`Browser sign-in failed: ${err}`);
  const code = params.get('code');
  if (!code) throw new UserError('Browser sign-in failed: the callback carried no code.');
  const { data, error } = await client.auth.exchangeCodeForSession(code);
  if (error) fail('Browser sign-in', error);
  return requireSession('Browser sign-in', data.session);
}

/**
 * Revokes the session on the server and clears the stored session. When the server cannot be reached the session
 * is still cleared from `storage` (signing out must work offline) and false is returned: not revoked.
 */
export async function signOut(client: SupabaseClient, storage?: AuthStorage): Promise<boolean> {
  let error: { message?: string; status?: number; code?: string } | null;
  try {
    ({ error } = await client.auth.signOut({ scope: 'local' }));
  } catch (err) {
    error = { message: (err as Error)?.message ?? String(err) };
  }
  if (!error || /session/i.test(error.message ?? '')) return true; // nothing (left) to revoke
  if (!storage) fail('Sign-out', error);
  await storage.removeItem(AUTH_STORAGE_KEY);
  await storage.removeItem(`${AUTH_STORAGE_KEY}-code-verifier`);
  return false;
}
