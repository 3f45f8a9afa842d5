/**
 * Workspace membership through supabase-js as the signed-in user. The server decides who may do what (row-level
 * security in supabase/migrations): any member lists the members; only an owner removes one; an owner cannot be
 * removed. A removal RLS refuses matches zero rows (PostgREST reports no error), which becomes a clear UserError.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { UserError } from '../errors';
import { validEmail } from './auth';

export type WorkspaceRole = 'owner' | 'admin' | 'member';

export interface WorkspaceMember {
  userId: string;
  email: string;
  role: WorkspaceRole;
  joinedAt: string;
}

function remoteError(action: string, error: { message?: string; code?: string }): never {
  throw new UserError(`${action} failed: ${error.message?.split('\n')[0] ?? 'unknown error'}`, { code: error.code });
}

export async function listWorkspaceMembers(client: SupabaseClient, workspaceId: string): Promise<WorkspaceMember[]> {
  const { data, error } = await client.rpc('list_workspace_members', { ws: workspaceId });
  if (error) remoteError('Listing the workspace members', error);
  return ((data ?? []) as Array<{ user_id: string; email: string; role: WorkspaceRole; joined_at: string }>).map((r) => ({
    userId: r.user_id,
    email: r.email,
    role: r.role,
    joinedAt: r.joined_at,
  }));
}

/**
 * Removes the member with this email from the workspace. Returns the removed member. Throws when there is no such
 * member, when the member is an owner, or when the server refuses (the caller is not the owner).
 */
export async function removeWorkspaceMember(client: SupabaseClient, workspaceId: string, email: string): Promise<WorkspaceMember> {
  const wanted = validEmail(email).toLowerCase();
  const member = (await listWorkspaceMembers(client, workspaceId)).find((m) => m.email.toLowerCase() === wanted);
  if (!member) throw new UserError(`${email.trim()} is not a member of this workspace.`);
  if (member.role === 'owner') throw new UserError(`${member.email} owns this workspace and cannot be removed.`);
  const { data, error } = await client.from('workspace_members').delete().eq('workspace_id', workspaceId).eq('user_id', member.userId).select('user_id');
  if (error) remoteError(`Removing ${member.email}`, error);
  if (!(data as unknown[]).length) {
    throw new UserError(`Removing ${member.email} failed: only the owner of the workspace can remove members.`, { code: '42501' });
  }
  return member;
}
