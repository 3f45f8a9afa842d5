/**
 * A loopback stand-in for a Supabase project that speaks the wire protocol the real supabase-js uses:
 *
 * - Auth (GoTrue) under /auth/v1: token (password | refresh_token | pkce), otp, verify (POST code / GET magic
 *   link), authorize (OAuth PKCE; the "provider" approves at once for the configured OAuth user), logout, user.
 *   Access tokens are real HS256 JWTs with the claims Supabase issues (sub, role, aud, exp, session_id).
 * - PostgREST under /rest/v1/<table>: GET/POST (insert and Prefer: resolution=merge-duplicates upserts with
 *   on_conflict)/PATCH/DELETE with eq/neq/gt/gte/lt/lte/is/in/like filters, select lists, order, limit/offset,
 *   return=representation, and the single-object Accept header. Every request runs against the real PostgreSQL in
 *   a transaction as `authenticated` (or `anon`) with request.jwt.claims set from the JWT, exactly as PostgREST does,
 *   so the real row-level security policies of supabase/migrations decide what each user sees.
 * - Storage under /storage/v1/object/<bucket>/<path>: upload (POST/PUT, x-upsert) and download; the object row is
 *   written to storage.objects as the user (so the storage policies apply); the bytes are kept in memory.
 *
 * Test-only: passwords are compared as SHA-256 hashes, emails are "sent" to `server.outbox`.
 */
import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, types, type PoolClient } from 'pg';

export interface SentEmail {
  email: string;
  code: string;
  /** Magic link (GET /auth/v1/verify…) that redirects to the app's redirect URL with ?code= (PKCE). */
  link: string;
}

export interface FakeSupabaseOptions {
  /** Superuser URL of a database prepared with applySupabaseSchema(). */
  databaseUrl: string;
  /** Lifetime of issued access tokens in seconds (short values exercise auto-refresh). */
  accessTokenTtlSec?: number;
  /** Email of the user an OAuth authorize request signs in as. */
  oauthUserEmail?: string;
}

interface RefreshToken {
  userId: string;
  sessionId: string;
  revoked: boolean;
}

interface AuthCode {
  userId: string;
  challenge: string;
  method: string;
  used: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.msg ?? status));
  }
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const q = (id: string) => {
  if (!IDENT.test(id)) throw new HttpError(400, { code: 'PGRST100', message: `invalid identifier: ${id}`, details: null, hint: null });
  return `"${id}"`;
};

export class FakeSupabase {
  readonly jwtSecret = randomBytes(32);
  readonly anonKey: string;
  readonly outbox: SentEmail[] = [];
  /** Every request as "METHOD /path?query" (tests assert on what the client did). */
  readonly requests: string[] = [];
  /** When set, every request fails at the socket level (simulates the network dropping). */
  offline = false;
  /** Delay before each request is handled (lets tests observe "syncing" states). */
  latencyMs = 0;
  private crash: { match: RegExp; nth: number; seen: number; afterCommit: boolean; done: () => void } | undefined;
  private port = 0;
  readonly objects = new Map<string, Buffer>();
  private readonly pool: Pool;
  private server?: Server;
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly authCodes = new Map<string, AuthCode>();
  private readonly otps = new Map<string, { code: string; userId: string; challenge?: string; method?: string; redirectTo?: string }>();
  url = '';

  constructor(readonly options: FakeSupabaseOptions) {
    // PostgREST renders bigint and numeric as JSON numbers (node-pg would give strings).
    const typeParser = (oid: number, format?: any) =>
      oid === 20 ? (v: string) => Number(v) : oid === 1700 ? (v: string) => Number(v) : types.getTypeParser(oid, format);
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 8, types: { getTypeParser: typeParser as typeof types.getTypeParser } });
    this.anonKey = this.sign({ iss: 'supabase', role: 'anon', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 * 24 * 365 });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  /**
   * Kills the server on the nth request whose "METHOD /path?query" matches: the listener closes and every open
   * connection is cut, so clients see refused connections until restart(). With afterCommit the request is handled
   * first (its transaction commits) and the server dies instead of answering: the client cannot tell whether its
   * write happened. Resolves once the server is down.
   */
  crashOn(match: RegExp, options: { nth?: number; afterCommit?: boolean } = {}): Promise<void> {
    return new Promise((done) => {
      this.crash = { match, nth: options.nth ?? 1, seen: 0, afterCommit: !!options.afterCommit, done };
    });
  }

  /** Brings a crashed server back on the same port (so clients keep their URL). */
  async restart(): Promise<void> {
    await this.start();
  }

  private die(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.pool.end();
  }

  /** Creates a confirmed user (in auth.users of the real database); returns the user id. */
  async createUser(email: string, password: string): Promise<string> {
    const r = await this.pool.query(`insert into auth.users (email, encrypted_password) values ($1, $2) returning id`, [email, sha256(password)]);
    return r.rows[0].id;
  }

  /** Runs SQL as the superuser (test setup/inspection). */
  async sql(text: string, params: unknown[] = []): Promise<any[]> {
    return (await this.pool.query(text, params)).rows;
  }

  // ----------------------------------------------------------------------------------------------- JWT
  sign(claims: Record<string, unknown>): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = enc({ alg: 'HS256', typ: 'JWT' });
    const body = enc(claims);
    const sig = createHmac('sha256', this.jwtSecret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  private verify(token: string): Record<string, any> {
    const [head, body, sig] = token.split('.');
    if (!head || !body || !sig) throw new HttpError(401, { code: 'PGRST301', message: 'JWT could not be decoded' });
    const expected = createHmac('sha256', this.jwtSecret).update(`${head}.${body}`).digest();
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new HttpError(401, { code: 'PGRST301', message: 'JWT signature invalid' });
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw new HttpError(401, { code: 'PGRST303', message: 'JWT expired' });
    return claims;
  }

  /** Claims of the request: the user's JWT, or the anon key's. Requires the apikey header like the Supabase gateway. */
  private claimsOf(req: IncomingMessage): Record<string, any> {
    if (req.headers.apikey !== this.anonKey) throw new HttpError(401, { message: 'Invalid API key' });
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : this.anonKey;
    return this.verify(token);
  }

  // ------------------------------------------------------------------------------------------- routing
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const line = `${req.method} ${url.pathname}${url.search}`;
    this.requests.push(line);
    if (this.offline) {
      req.socket.destroy();
      return;
    }
    const crash = this.crash;
    if (crash && crash.match.test(line) && ++crash.seen === crash.nth) {
      this.crash = undefined;
      if (!crash.afterCommit) {
        this.die();
        crash.done();
        return;
      }
      // Handle the request (the write commits), then die where the response would have been sent.
      res.writeHead = (() => {
        this.die();
        crash.done();
        return res;
      }) as unknown as typeof res.writeHead;
      res.end = (() => res) as unknown as typeof res.end;
    }
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    try {
      const body = await readBody(req);
      if (url.pathname.startsWith('/auth/v1/')) await this.auth(req, res, url, body);
      else if (url.pathname.startsWith('/rest/v1/')) await this.rest(req, res, url, body);
      else if (url.pathname.startsWith('/storage/v1/object/')) await this.storage(req, res, url, body);
      else throw new HttpError(404, { message: 'not found' });
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, err.body);
      const pgErr = err as { code?: string; message?: string; detail?: string };
      if (pgErr.code) {
        // PostgREST maps insufficient_privilege / RLS violations to 403 (401 for anon), unique violations to 409.
        const status = pgErr.code === '42501' ? 403 : pgErr.code === '23505' ? 409 : pgErr.code === 'P0002' ? 404 : pgErr.code.startsWith('22') || pgErr.code.startsWith('23') ? 400 : 500;
        return send(res, status, { code: pgErr.code, message: pgErr.message, details: pgErr.detail ?? null, hint: null });
      }
      send(res, 500, { message: String((err as Error)?.message ?? err) });
    }
  }

  // ---------------------------------------------------------------------------------------------- auth
  private issueSession(userId: string, email: string, sessionId = randomUUID()) {
    const now = Math.floor(Date.now() / 1000);
    const ttl = this.options.accessTokenTtlSec ?? 3600;
    // jti: two tokens issued within the same second still differ, so tests can tell a refresh happened
    const access = this.sign({ sub: userId, email, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + ttl, session_id: sessionId, aal: 'aal1', jti: randomUUID() });
    const refresh = randomBytes(16).toString('hex');
    this.refreshTokens.set(refresh, { userId, sessionId, revoked: false });
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: ttl,
      expires_at: now + ttl,
      refresh_token: refresh,
      user: this.userJson(userId, email),
    };
  }

  private userJson(id: string, email: string) {
    return { id, aud: 'authenticated', role: 'authenticated', email, email_confirmed_at: new Date().toISOString(), app_metadata: { provider: 'email' }, user_metadata: {}, identities: [], created_at: new Date().toISOString() };
  }

  private async userByEmail(email: string) {
    const r = await this.pool.query(`select id, email, encrypted_password from auth.users where lower(email) = lower($1)`, [email]);
    return r.rows[0] as { id: string; email: string; encrypted_password: string } | undefined;
  }

  private async auth(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const path = url.pathname.slice('/auth/v1'.length);
    // The browser-facing routes (magic link, OAuth authorize) are opened without the apikey header, as on Supabase.
    const browserRoute = req.method === 'GET' && (path === '/verify' || path === '/authorize');
    if (!browserRoute && req.headers.apikey !== this.anonKey) throw new HttpError(401, { message: 'Invalid API key' });
    const body = raw.length && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw.toString('utf8')) : {};
    const bad = (code: string, msg: string, status = 400) => new HttpError(status, { code, error_code: code, msg, message: msg });

    if (path === '/token' && req.method === 'POST') {
      const grant = url.searchParams.get('grant_type');
      if (grant === 'password') {
        const u = await this.userByEmail(String(body.email ?? ''));
        if (!u || u.encrypted_password !== sha256(String(body.password ?? ''))) throw bad('invalid_credentials', 'Invalid login credentials');
        return send(res, 200, this.issueSession(u.id, u.email));
      }
      if (grant === 'refresh_token') {
        const rt = this.refreshTokens.get(String(body.refresh_token ?? ''));
        if (!rt || rt.revoked) throw bad('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        rt.revoked = true; // rotation: each refresh token is single-use
        const u = (await this.pool.query(`select email from auth.users where id = $1`, [rt.userId])).rows[0];
        return send(res, 200, this.issueSession(rt.userId, u.email, rt.sessionId as ReturnType<typeof randomUUID>));
      }
      if (grant === 'pkce') {
        const ac = this.authCodes.get(String(body.auth_code ?? ''));
        if (!ac || ac.used) throw bad('flow_state_not_found', 'invalid flow state, no valid flow state found', 404);
        const verifier = String(body.code_verifier ?? '');
        const challenge = ac.method.toLowerCase() === 's256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (challenge !== ac.challenge) throw bad('bad_code_verifier', 'code challenge does not match previously saved code verifier');
        ac.used = true;
        const u = (await this.pool.query(`select email from auth.users where id = $1`, [ac.userId])).rows[0];
        return send(res, 200, this.issueSession(ac.userId, u.email));
      }
      throw bad('validation_failed', `unsupported grant_type ${grant}`);
    }

    if (path === '/otp' && req.method === 'POST') {
      const email = String(body.email ?? '');
      let u = await this.userByEmail(email);
      if (!u) {
        if (body.create_user === false) throw bad('otp_disabled', 'Signups not allowed for otp', 422);
        await this.createUser(email, randomBytes(16).toString('hex'));
        u = await this.userByEmail(email);
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const tokenHash = randomBytes(16).toString('hex');
      const redirectTo = url.searchParams.get('redirect_to') ?? undefined;
      this.otps.set(email.toLowerCase(), { code, userId: u!.id, challenge: body.code_challenge, method: body.code_challenge_method, redirectTo });
      this.otps.set(`hash:${tokenHash}`, { code, userId: u!.id, challenge: body.code_challenge, method: body.code_challenge_method, redirectTo });
      const link = `${this.url}/auth/v1/verify?token=${tokenHash}&type=magiclink${redirectTo ? `&redirect_to=${encodeURIComponent(redirectTo)}` : ''}`;
      this.outbox.push({ email, code, link });
      return send(res, 200, {});
    }

    if (path === '/verify' && req.method === 'POST') {
      const email = String(body.email ?? '').toLowerCase();
      const otp = this.otps.get(email);
      if (!otp || otp.code !== String(body.token ?? '')) throw bad('otp_expired', 'Token has expired or is invalid', 403);
      this.otps.delete(email);
      const u = (await this.pool.query(`select email from auth.users where id = $1`, [otp.userId])).rows[0];
      return send(res, 200, this.issueSession(otp.userId, u.email));
    }

    if (path === '/verify' && req.method === 'GET') {
      // Magic link: with PKCE the server redirects back with a one-time auth code, never with tokens.
      const otp = this.otps.get(`hash:${url.searchParams.get('token')}`);
      if (!otp || !otp.redirectTo) throw bad('otp_expired', 'Email link is invalid or has expired', 403);
      this.otps.delete(`hash:${url.searchParams.get('token')}`);
      const code = randomUUID();
      this.authCodes.set(code, { userId: otp.userId, challenge: otp.challenge ?? '', method: otp.method ?? 's256', used: false });
      return redirect(res, `${otp.redirectTo}${otp.redirectTo.includes('?') ? '&' : '?'}code=${code}`);
    }

    if (path === '/authorize' && req.method === 'GET') {
      const redirectTo = url.searchParams.get('redirect_to');
      const challenge = url.searchParams.get('code_challenge');
      if (!redirectTo || !challenge) throw bad('validation_failed', 'PKCE flow requires redirect_to and code_challenge');
      const email = this.options.oauthUserEmail;
      const u = email ? await this.userByEmail(email) : undefined;
      if (!u) return redirect(res, `${redirectTo}?error=access_denied&error_description=${encodeURIComponent('OAuth user not configured')}`);
      const code = randomUUID();
      this.authCodes.set(code, { userId: u.id, challenge, method: url.searchParams.get('code_challenge_method') ?? 's256', used: false });
      return redirect(res, `${redirectTo}${redirectTo.includes('?') ? '&' : '?'}code=${code}`);
    }

    const claims = this.claimsOf(req);
    if (path === '/user' && req.method === 'GET') {
      if (!claims.sub) throw bad('no_authorization', 'This endpoint requires a Bearer token', 401);
      return send(res, 200, this.userJson(claims.sub, claims.email));
    }
    if (path === '/logout' && req.method === 'POST') {
      for (const rt of this.refreshTokens.values()) if (rt.sessionId === claims.session_id) rt.revoked = true;
      res.writeHead(204).end();
      return;
    }
    throw new HttpError(404, { message: `no auth route ${req.method} ${path}` });
  }

  /** Whether any refresh token of the user is still usable (after sign-out there must be none). */
  hasLiveRefreshToken(userId: string): boolean {
    return [...this.refreshTokens.values()].some((r) => r.userId === userId && !r.revoked);
  }

  // ------------------------------------------------------------------------------------------ postgrest
  private async asRequester<T>(claims: Record<string, any>, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('begin');
      await c.query(`set local role ${claims.role === 'authenticated' ? 'authenticated' : 'anon'}`);
      await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      const out = await fn(c);
      await c.query('commit');
      return out;
    } catch (err) {
      await c.query('rollback').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  private async rest(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const claims = this.claimsOf(req);
    const route = decodeURIComponent(url.pathname.slice('/rest/v1/'.length));
    if (route.startsWith('rpc/')) {
      // RPC: POST /rest/v1/rpc/<function> with named arguments as a JSON object; a scalar result is returned as is.
      const fn = q(route.slice(4));
      const args = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
      const names = Object.keys(args);
      const call = `public.${fn}(${names.map((n, i) => `${q(n)} => $${i + 1}`).join(', ')})`;
      // Like PostgREST: a set-returning function answers with its rows, a scalar one with the bare value.
      const meta = await this.pool.query(`select bool_or(p.proretset) as set from pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname = $1`, [route.slice(4)]);
      const setReturning = !!meta.rows[0]?.set;
      const sql = setReturning ? `select * from ${call}` : `select ${call} as result`;
      const rows = await this.asRequester(claims, async (c) => (await c.query(sql, names.map((n) => args[n]))).rows);
      return send(res, 200, setReturning ? rows : (rows[0]?.result ?? null));
    }
    const table = q(route);
    const prefer = String(req.headers.prefer ?? '');
    const params: unknown[] = [];
    const where: string[] = [];
    let order = '';
    let limit = '';
    let offset = '';
    let select = '*';
    for (const [k, v] of url.searchParams) {
      if (k === 'select') select = v.split(',').map((s) => (s.trim() === '*' ? '*' : q(s.trim()))).join(', ');
      else if (k === 'order') {
        order = ' order by ' + v.split(',').map((part) => {
          const [col, dir, nulls] = part.split('.');
          return `${q(col)} ${dir === 'desc' ? 'desc' : 'asc'}${nulls === 'nullsfirst' ? ' nulls first' : nulls === 'nullslast' ? ' nulls last' : ''}`;
        }).join(', ');
      } else if (k === 'limit') limit = ` limit ${Number.parseInt(v, 10)}`;
      else if (k === 'offset') offset = ` offset ${Number.parseInt(v, 10)}`;
      else if (k === 'on_conflict' || k === 'columns') continue;
      else where.push(filterSql(q(k), v, params));
    }
    const whereSql = where.length ? ` where ${where.join(' and ')}` : '';
    const representation = prefer.includes('return=representation') || req.method === 'GET';
    const single = String(req.headers.accept ?? '').includes('vnd.pgrst.object+json');

    const rows = await this.asRequester(claims, async (c) => {
      if (req.method === 'GET') return (await c.query(`select ${select} from ${table}${whereSql}${order}${limit}${offset}`, params)).rows;
      const body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
      const returning = representation ? ` returning ${select}` : '';
      if (req.method === 'POST') {
        const list = Array.isArray(body) ? body : [body];
        if (!list.length) return [];
        const cols = [...new Set(list.flatMap((o: object) => Object.keys(o)))].map(q);
        params.push(JSON.stringify(list));
        let sql = `insert into ${table} (${cols.join(', ')}) select ${cols.join(', ')} from json_populate_recordset(null::public.${table}, $${params.length})`;
        if (prefer.includes('resolution=merge-duplicates') || prefer.includes('resolution=ignore-duplicates')) {
          const target = (url.searchParams.get('on_conflict') ?? '').split(',').filter(Boolean).map((s) => q(s.trim()));
          if (!target.length) throw new HttpError(400, { code: 'PGRST100', message: 'upsert needs on_conflict in this fake' });
          const updates = cols.filter((col) => !target.includes(col));
          sql += prefer.includes('ignore-duplicates') || !updates.length
            ? ` on conflict (${target.join(', ')}) do nothing`
            : ` on conflict (${target.join(', ')}) do update set ${updates.map((col) => `${col} = excluded.${col}`).join(', ')}`;
        }
        return (await c.query(sql + returning, params)).rows;
      }
      if (req.method === 'PATCH') {
        const cols = Object.keys(body ?? {}).map(q);
        if (!cols.length) return [];
        params.push(JSON.stringify(body));
        const sql = `update ${table} set (${cols.join(', ')}) = (select ${cols.join(', ')} from json_populate_record(null::public.${table}, $${params.length}))${whereSql}`;
        return (await c.query(sql + returning, params)).rows;
      }
      if (req.method === 'DELETE') return (await c.query(`delete from ${table}${whereSql}${returning}`, params)).rows;
      throw new HttpError(405, { message: 'method not allowed' });
    });

    if (single) {
      if (rows.length !== 1) throw new HttpError(406, { code: 'PGRST116', message: 'JSON object requested, multiple (or no) rows returned', details: `The result contains ${rows.length} rows`, hint: null });
      return send(res, req.method === 'POST' ? 201 : 200, rows[0]);
    }
    if (!representation) {
      res.writeHead(req.method === 'POST' ? 201 : 204).end();
      return;
    }
    res.setHeader('Content-Range', rows.length ? `0-${rows.length - 1}/*` : '*/*');
    send(res, req.method === 'POST' ? 201 : 200, rows);
  }

  // -------------------------------------------------------------------------------------------- storage
  private async storage(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const claims = this.claimsOf(req);
    let rest = decodeURIComponent(url.pathname.slice('/storage/v1/object/'.length));
    if (rest.startsWith('authenticated/')) rest = rest.slice('authenticated/'.length);
    const slash = rest.indexOf('/');
    const bucket = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    if (slash <= 0 || !name) throw new HttpError(400, { statusCode: '400', error: 'InvalidKey', message: 'Invalid key' });
    const storageErr = (err: unknown): never => {
      const e = err as { code?: string; message?: string };
      if (e.code === '42501') throw new HttpError(403, { statusCode: '403', error: 'Unauthorized', message: 'new row violates row-level security policy' });
      if (e.code === '23505') throw new HttpError(409, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' });
      if (e.code === '23503') throw new HttpError(404, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' });
      throw err;
    };
    if (req.method === 'POST' || req.method === 'PUT') {
      const upsert = req.headers['x-upsert'] === 'true' || req.method === 'PUT';
      const meta = { size: body.length, mimetype: String(req.headers['content-type'] ?? 'application/octet-stream') };
      const row = await this.asRequester(claims, async (c) => {
        const sql = upsert
          ? `insert into storage.objects (bucket_id, name, owner, metadata) values ($1, $2, $3, $4)
             on conflict (bucket_id, name) do update set metadata = excluded.metadata, updated_at = now() returning id`
          : `insert into storage.objects (bucket_id, name, owner, metadata) values ($1, $2, $3, $4) returning id`;
        return (await c.query(sql, [bucket, name, claims.sub ?? null, meta])).rows[0];
      }).catch(storageErr);
      this.objects.set(`${bucket}/${name}`, body);
      return send(res, 200, { Id: row.id, Key: `${bucket}/${name}` });
    }
    if (req.method === 'GET') {
      const visible = await this.asRequester(claims, async (c) => (await c.query(`select 1 from storage.objects where bucket_id = $1 and name = $2`, [bucket, name])).rowCount);
      const data = this.objects.get(`${bucket}/${name}`);
      if (!visible || !data) throw new HttpError(400, { statusCode: '404', error: 'not_found', message: 'Object not found' });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length }).end(data);
      return;
    }
    throw new HttpError(405, { message: 'method not allowed' });
  }
}

/** PostgREST filter "op.value" → SQL with parameters. */
function filterSql(col: string, expr: string, params: unknown[]): string {
  let negate = false;
  let e = expr;
  if (e.startsWith('not.')) {
    negate = true;
    e = e.slice(4);
  }
  const dot = e.indexOf('.');
  const op = e.slice(0, dot);
  const value = e.slice(dot + 1);
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  let sql: string;
  const cmp: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' };
  if (op in cmp) sql = `${col} ${cmp[op]} ${p(op === 'like' || op === 'ilike' ? value.replace(/\*/g, '%') : value)}`;
  else if (op === 'is') {
    const v = value.toLowerCase();
    if (!['null', 'true', 'false', 'unknown'].includes(v)) throw new HttpError(400, { code: 'PGRST100', message: `bad is. value ${value}` });
    sql = `${col} is ${v}`;
  } else if (op === 'in') {
    const inner = value.replace(/^\(/, '').replace(/\)$/, '');
    const items = inner.length ? inner.split(',').map((s) => s.replace(/^"(.*)"$/, '$1')) : [];
    sql = items.length ? `${col} in (${items.map(p).join(', ')})` : 'false';
  } else throw new HttpError(400, { code: 'PGRST100', message: `unsupported operator ${op}`, details: null, hint: null });
  return negate ? `not (${sql})` : sql;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location }).end();
}

export async function startFakeSupabase(options: FakeSupabaseOptions): Promise<FakeSupabase> {
  return new FakeSupabase(options).start();
}
