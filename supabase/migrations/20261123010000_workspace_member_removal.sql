-- Workspace membership management: listing members (with their emails) and removing them.
--
-- Rule enforced by row-level security: only an OWNER removes members. Admins may still add members, but can no
-- longer remove anyone, change roles, or create owners (which would let them remove members indirectly). Any
-- member except an owner may leave a workspace (delete their own row); an owner cannot be removed or leave, so a
-- workspace never ends up without one.

create or replace function public.is_workspace_owner(ws uuid)
returns boolean language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from public.workspace_members m
    where m.workspace_id = ws and m.user_id = auth.uid() and m.role = 'owner'
  );
$$;
revoke execute on function public.is_workspace_owner(uuid) from public, anon;
grant execute on function public.is_workspace_owner(uuid) to authenticated;

drop policy if exists workspace_members_insert on public.workspace_members;
create policy workspace_members_insert on public.workspace_members for insert to authenticated
  with check (
    public.is_workspace_owner(workspace_id)
    or (public.is_workspace_admin(workspace_id) and role <> 'owner')
  );

drop policy if exists workspace_members_update on public.workspace_members;
create policy workspace_members_update on public.workspace_members for update to authenticated
  using (public.is_workspace_owner(workspace_id) and role <> 'owner')
  with check (public.is_workspace_owner(workspace_id) and role <> 'owner');

drop policy if exists workspace_members_delete on public.workspace_members;
create policy workspace_members_delete on public.workspace_members for delete to authenticated
  using (role <> 'owner' and (public.is_workspace_owner(workspace_id) or user_id = auth.uid()));

-- Members of a workspace with their emails (auth.users is not readable through the API). Only members may list;
-- anyone else gets an error rather than an empty list, so a typo in the workspace id is not mistaken for "no one".
create or replace function public.list_workspace_members(ws uuid)
returns table (user_id uuid, email text, role text, joined_at timestamptz)
language plpgsql stable security definer set search_path = '' as $$
begin
  if not public.is_workspace_member(ws) then
    raise exception 'you are not a member of that workspace' using errcode = '42501';
  end if;
  return query
    select m.user_id, u.email::text, m.role, m.created_at
    from public.workspace_members m join auth.users u on u.id = m.user_id
    where m.workspace_id = ws
    order by case m.role when 'owner' then 0 when 'admin' then 1 else 2 end, u.email;
end;
$$;
revoke execute on function public.list_workspace_members(uuid) from public, anon;
grant execute on function public.list_workspace_members(uuid) to authenticated;
