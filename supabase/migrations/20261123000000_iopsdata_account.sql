-- iOpsData team sync schema. Valid on a hosted/self-hosted Supabase project (auth.uid(), storage schema, the
-- anon/authenticated roles exist there); the unit tests apply it to a plain PostgreSQL after a small bootstrap
-- (test/unit/account/sql/bootstrap.sql) that recreates just those pieces.
--
-- Access model: a user belongs to workspaces (workspace_members); every synced row carries a workspace_id and is
-- visible/changeable only to members of that workspace. user_settings are private to their user. Row-level
-- security is enabled on every table and no policy grants anything to `anon`.

-- ---------------------------------------------------------------------------------------------- workspaces
create table if not exists public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 200),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index if not exists workspace_members_user_idx on public.workspace_members (user_id);

-- Membership checks run as the function owner so that policies on workspace_members can use them without
-- recursing into workspace_members' own policies (the pattern Supabase recommends). search_path is pinned.
create or replace function public.is_workspace_member(ws uuid)
returns boolean language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.workspace_members m where m.workspace_id = ws and m.user_id = auth.uid()
  );
$$;

create or replace function public.is_workspace_admin(ws uuid)
returns boolean language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.workspace_members m
    where m.workspace_id = ws and m.user_id = auth.uid() and m.role in ('owner', 'admin')
  );
$$;

-- The creator of a workspace becomes its owner; runs as definer because no member exists yet to pass RLS.
create or replace function public.add_workspace_owner()
returns trigger language plpgsql security definer set search_path = '' as $$
begin
  insert into public.workspace_members (workspace_id, user_id, role) values (new.id, new.created_by, 'owner')
  on conflict do nothing;
  return new;
end;
$$;

drop trigger if exists workspaces_add_owner on public.workspaces;
create trigger workspaces_add_owner after insert on public.workspaces
  for each row execute function public.add_workspace_owner();

-- ------------------------------------------------------------------------------------------- synced items
-- Per-item last-writer-wins: updated_at is the client's edit time of the item; server_updated_at is the server's
-- time of the write and is what clients pull incrementally by. An update carrying an older updated_at than the
-- stored row is ignored (the stored row is newer), so a late push from an offline machine cannot clobber a newer
-- edit; that client then pulls the newer row and shows a conflict notice.
create or replace function public.lww_guard()
returns trigger language plpgsql set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.updated_at < old.updated_at then
    return null; -- skip: the stored row is newer
  end if;
  new.server_updated_at := clock_timestamp();
  return new;
end;
$$;

create table if not exists public.user_settings (
  user_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  -- { "<setting key>": { "value": <json>, "updated_at": "<iso>", "deleted": bool } }: merged per key by clients
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  -- optimistic concurrency for the per-key merge: clients update "where revision = <read revision>"
  revision bigint not null default 1,
  updated_at timestamptz not null default now(),
  server_updated_at timestamptz not null default now()
);

create table if not exists public.workspace_connections (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  connection_name text not null check (char_length(connection_name) between 1 and 200),
  -- AES-256-GCM ciphertext of the whole connection definition (incl. secrets), made on the client with the
  -- team key; the server never sees the plaintext.
  encrypted_config text,
  deleted boolean not null default false,
  updated_at timestamptz not null,
  updated_by uuid default auth.uid() references auth.users (id) on delete set null,
  server_updated_at timestamptz not null default now(),
  primary key (workspace_id, connection_name),
  check (deleted or encrypted_config is not null)
);

create table if not exists public.saved_queries (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  query_id text not null check (char_length(query_id) between 1 and 200),
  name text not null default '',
  sql text not null default '',
  connection_name text,
  deleted boolean not null default false,
  updated_at timestamptz not null,
  updated_by uuid default auth.uid() references auth.users (id) on delete set null,
  server_updated_at timestamptz not null default now(),
  primary key (workspace_id, query_id)
);

create table if not exists public.file_assets (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- object name in the `workspace-files` bucket; always "<workspace_id>/…"
  storage_path text not null unique,
  file_name text not null,
  size_bytes bigint,
  -- the file's profile (columns, types, row count, …) as produced by the profiler
  metadata jsonb not null default '{}'::jsonb,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (split_part(storage_path, '/', 1) = workspace_id::text)
);

create index if not exists workspace_connections_pull_idx on public.workspace_connections (workspace_id, server_updated_at);
create index if not exists saved_queries_pull_idx on public.saved_queries (workspace_id, server_updated_at);
create index if not exists file_assets_ws_idx on public.file_assets (workspace_id);

-- user_settings is merged per key by the clients under optimistic concurrency (revision), so its row only needs
-- the server write time, not the row-level guard (which would refuse a merge from a machine whose clock is behind).
create or replace function public.touch_server_updated_at()
returns trigger language plpgsql set search_path = '' as $$
begin
  new.server_updated_at := clock_timestamp();
  return new;
end;
$$;
drop trigger if exists user_settings_lww on public.user_settings;
drop trigger if exists user_settings_touch on public.user_settings;
create trigger user_settings_touch before insert or update on public.user_settings
  for each row execute function public.touch_server_updated_at();
drop trigger if exists workspace_connections_lww on public.workspace_connections;
create trigger workspace_connections_lww before insert or update on public.workspace_connections
  for each row execute function public.lww_guard();
drop trigger if exists saved_queries_lww on public.saved_queries;
create trigger saved_queries_lww before insert or update on public.saved_queries
  for each row execute function public.lww_guard();

-- --------------------------------------------------------------------------------------------------- RLS
alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;
alter table public.user_settings enable row level security;
alter table public.workspace_connections enable row level security;
alter table public.saved_queries enable row level security;
alter table public.file_assets enable row level security;

-- workspaces: members see them (the creator too, so INSERT … RETURNING works before the owner row exists)
drop policy if exists workspaces_select on public.workspaces;
create policy workspaces_select on public.workspaces for select to authenticated
  using (created_by = auth.uid() or public.is_workspace_member(id));
drop policy if exists workspaces_insert on public.workspaces;
create policy workspaces_insert on public.workspaces for insert to authenticated
  with check (created_by = auth.uid());
drop policy if exists workspaces_update on public.workspaces;
create policy workspaces_update on public.workspaces for update to authenticated
  using (public.is_workspace_admin(id)) with check (public.is_workspace_admin(id));
drop policy if exists workspaces_delete on public.workspaces;
create policy workspaces_delete on public.workspaces for delete to authenticated
  using (exists (select 1 from public.workspace_members m
                 where m.workspace_id = workspaces.id and m.user_id = auth.uid() and m.role = 'owner'));

-- workspace_members: members see co-members; admins add/change/remove; anyone may leave
drop policy if exists workspace_members_select on public.workspace_members;
create policy workspace_members_select on public.workspace_members for select to authenticated
  using (public.is_workspace_member(workspace_id));
drop policy if exists workspace_members_insert on public.workspace_members;
create policy workspace_members_insert on public.workspace_members for insert to authenticated
  with check (public.is_workspace_admin(workspace_id));
drop policy if exists workspace_members_update on public.workspace_members;
create policy workspace_members_update on public.workspace_members for update to authenticated
  using (public.is_workspace_admin(workspace_id)) with check (public.is_workspace_admin(workspace_id));
drop policy if exists workspace_members_delete on public.workspace_members;
create policy workspace_members_delete on public.workspace_members for delete to authenticated
  using (public.is_workspace_admin(workspace_id) or user_id = auth.uid());

-- user_settings: only the owner
drop policy if exists user_settings_all on public.user_settings;
create policy user_settings_all on public.user_settings for all to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());

-- workspace-scoped tables: members of the row's workspace
drop policy if exists workspace_connections_all on public.workspace_connections;
create policy workspace_connections_all on public.workspace_connections for all to authenticated
  using (public.is_workspace_member(workspace_id)) with check (public.is_workspace_member(workspace_id));
drop policy if exists saved_queries_all on public.saved_queries;
create policy saved_queries_all on public.saved_queries for all to authenticated
  using (public.is_workspace_member(workspace_id)) with check (public.is_workspace_member(workspace_id));
drop policy if exists file_assets_all on public.file_assets;
create policy file_assets_all on public.file_assets for all to authenticated
  using (public.is_workspace_member(workspace_id)) with check (public.is_workspace_member(workspace_id));

revoke all on public.workspaces, public.workspace_members, public.user_settings, public.workspace_connections,
  public.saved_queries, public.file_assets from anon;
grant select, insert, update, delete on public.workspaces, public.workspace_members, public.user_settings,
  public.workspace_connections, public.saved_queries, public.file_assets to authenticated;
revoke execute on function public.is_workspace_member(uuid), public.is_workspace_admin(uuid) from public, anon;
grant execute on function public.is_workspace_member(uuid), public.is_workspace_admin(uuid) to authenticated;

-- Inviting a teammate by email: auth.users is not readable through the API, so an admin of the workspace calls
-- this function (definer rights, admin check inside). Returns the member's user id; one-line errors otherwise.
create or replace function public.add_workspace_member(ws uuid, member_email text, member_role text default 'member')
returns uuid language plpgsql security definer set search_path = '' as $$
declare
  uid uuid;
begin
  if not public.is_workspace_admin(ws) then
    raise exception 'only an owner or admin of the workspace can add members' using errcode = '42501';
  end if;
  if member_role not in ('admin', 'member') then
    raise exception 'role must be admin or member' using errcode = '22023';
  end if;
  select u.id into uid from auth.users u where lower(u.email) = lower(trim(member_email));
  if uid is null then
    raise exception 'no iOpsData account uses that email; ask them to sign in once first' using errcode = 'P0002';
  end if;
  insert into public.workspace_members (workspace_id, user_id, role) values (ws, uid, member_role)
  on conflict (workspace_id, user_id) do update set role = excluded.role
  where public.workspace_members.role <> 'owner';
  return uid;
end;
$$;
revoke execute on function public.add_workspace_member(uuid, text, text) from public, anon;
grant execute on function public.add_workspace_member(uuid, text, text) to authenticated;

-- ------------------------------------------------------------------------------------------------ Storage
-- "<uuid>/…" → the uuid; anything else → null (never an error, so policies on other buckets' objects stay safe).
create or replace function public.path_workspace_id(p text)
returns uuid language sql immutable set search_path = '' as $$
  select case when split_part(p, '/', 1) ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then split_part(p, '/', 1)::uuid end;
$$;

-- Private bucket; object names start with the workspace id ("<workspace_id>/<file>"), members only.
insert into storage.buckets (id, name, public) values ('workspace-files', 'workspace-files', false)
on conflict (id) do nothing;

drop policy if exists iopsdata_workspace_files_select on storage.objects;
create policy iopsdata_workspace_files_select on storage.objects for select to authenticated
  using (bucket_id = 'workspace-files' and public.is_workspace_member(public.path_workspace_id(name)));
drop policy if exists iopsdata_workspace_files_insert on storage.objects;
create policy iopsdata_workspace_files_insert on storage.objects for insert to authenticated
  with check (bucket_id = 'workspace-files' and public.is_workspace_member(public.path_workspace_id(name)));
drop policy if exists iopsdata_workspace_files_update on storage.objects;
create policy iopsdata_workspace_files_update on storage.objects for update to authenticated
  using (bucket_id = 'workspace-files' and public.is_workspace_member(public.path_workspace_id(name)))
  with check (bucket_id = 'workspace-files' and public.is_workspace_member(public.path_workspace_id(name)));
drop policy if exists iopsdata_workspace_files_delete on storage.objects;
create policy iopsdata_workspace_files_delete on storage.objects for delete to authenticated
  using (bucket_id = 'workspace-files' and public.is_workspace_member(public.path_workspace_id(name)));
