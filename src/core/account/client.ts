/**
 * Builds the supabase-js client for the account feature. supabase-js is required lazily (inside the function) so
 * activating the extension never pays for loading it. The auth session lives only in the injected storage (the
 * extension passes a SecretStorage adapter; tests a memory one): never in globalState or files.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { UserError } from '../errors';

/** The async storage shape supabase-js auth accepts (`auth.storage`). */
export interface AuthStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

export class MemoryAuthStorage implements AuthStorage {
  readonly map = new Map<string, string>();
  async getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  async setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  async removeItem(key: string) {
    this.map.delete(key);
  }
}

export interface AccountConfig {
  url: string;
  anonKey: string;
}

/** Key under which supabase-js stores the session (and the PKCE code verifier as `<key>-code-verifier`). */
export const AUTH_STORAGE_KEY = 'iopsdata.supabase.auth';

/** Checks the two settings; returns the normalized config or throws a one-line UserError. */
export function validateAccountConfig(url: unknown, anonKey: unknown): AccountConfig {
  const u = typeof url === 'string' ? url.trim().replace(/\/+$/, '') : '';
  const k = typeof anonKey === 'string' ? anonKey.trim() : '';
  if (!u || !k) throw new UserError('Set iopsdata.account.supabaseUrl and iopsdata.account.supabaseAnonKey to use an iOpsData account.');
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new UserError(`iopsdata.account.supabaseUrl is not a URL: ${u}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new UserError('iopsdata.account.supabaseUrl must use https:// (http:// only for a local Supabase on localhost).');
  }
  return { url: u, anonKey: k };
}

export interface ClientOptions {
  storage: AuthStorage;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof fetch;
  autoRefreshToken?: boolean;
}

export function createAccountClient(config: AccountConfig, options: ClientOptions): SupabaseClient {
  const { createClient } = require('@supabase/supabase-js') as typeof import('@supabase/supabase-js');
  return createClient(config.url, config.anonKey, {
    auth: {
      storage: options.storage,
      storageKey: AUTH_STORAGE_KEY,
      persistSession: true,
      autoRefreshToken: options.autoRefreshToken ?? true,
      detectSessionInUrl: false,
      // PKCE: OAuth and magic links come back with a one-time code that only this machine (holding the verifier
      // in its SecretStorage) can exchange.
      flowType: 'pkce',
    },
    global: options.fetch ? { fetch: options.fetch } : undefined,
    // iOpsData never subscribes to Realtime; Node 20 has no global WebSocket and realtime-js refuses to construct
    // without one, so hand it a transport that only fails if something ever tries to connect.
    realtime: { transport: (globalThis as { WebSocket?: unknown }).WebSocket ?? NoRealtimeTransport } as never,
  });
}

class NoRealtimeTransport {
  constructor() {
    throw new UserError('Realtime is not available in iOpsData.');
  }
}
