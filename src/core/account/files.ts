/**
 * "Upload to workspace": puts a file in the workspace's private Storage bucket and records it in file_assets with
 * its profile as metadata. Object names start with the workspace id, which is what the storage policies check.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { UserError, throwIfAborted } from '../errors';

export const WORKSPACE_BUCKET = 'workspace-files';
/** Supabase's default per-file limit on the free plan; bigger files fail server-side with a less clear message. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface FileAsset {
  id: string;
  storagePath: string;
  fileName: string;
  sizeBytes: number;
}

export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(0, 180);
  if (!cleaned) throw new UserError(`Cannot upload a file named "${name}".`);
  return cleaned;
}

export async function uploadFileAsset(
  client: SupabaseClient,
  workspaceId: string,
  fileName: string,
  bytes: Uint8Array,
  profile: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<FileAsset> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new UserError(`${fileName} is ${(bytes.byteLength / 1048576).toFixed(1)} MB; uploads are limited to ${MAX_UPLOAD_BYTES / 1048576} MB.`);
  }
  throwIfAborted(signal);
  const name = safeFileName(fileName);
  const storagePath = `${workspaceId}/${randomUUID()}/${name}`;
  const up = await client.storage.from(WORKSPACE_BUCKET).upload(storagePath, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    contentType: contentTypeOf(name),
    upsert: false,
  });
  if (up.error) throw new UserError(`Uploading ${name} failed: ${up.error.message}`);
  throwIfAborted(signal);
  const { data, error } = await client
    .from('file_assets')
    .insert({ workspace_id: workspaceId, storage_path: storagePath, file_name: name, size_bytes: bytes.byteLength, metadata: profile })
    .select('id')
    .single();
  if (error) {
    // Keep Storage and the table consistent: remove the orphan object (best effort).
    await client.storage.from(WORKSPACE_BUCKET).remove([storagePath]).catch(() => undefined);
    throw new UserError(`Recording ${name} in the workspace failed: ${error.message}`);
  }
  return { id: (data as { id: string }).id, storagePath, fileName: name, sizeBytes: bytes.byteLength };
}

function contentTypeOf(name: string): string {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' ? 'text/csv' : ext === 'json' ? 'application/json' : ext === 'parquet' ? 'application/vnd.apache.parquet' : 'application/octet-stream';
}

/**
 * Fallback metadata when the profiler cannot profile a file: size, time and, for delimited text, the header and
 * the number of lines after it (cheap, no engine).
 */
export function basicProfile(fileName: string, bytes: Uint8Array, mtime: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { fileName, sizeBytes: bytes.byteLength, modifiedAt: new Date(mtime).toISOString(), profiledBy: 'iopsdata-basic' };
  if (/\.(csv|tsv|txt)$/i.test(fileName)) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64 * 1024)).toString('utf8');
    const header = text.split(/\r?\n/, 1)[0] ?? '';
    const sep = fileName.toLowerCase().endsWith('.tsv') ? '\t' : header.split(';').length > header.split(',').length ? ';' : ',';
    meta.columns = header.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    // Lines after the header (a row with a quoted newline counts twice: this is only the no-profiler fallback).
    let lines = 0;
    for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] === 10) lines++;
    if (bytes.byteLength && bytes[bytes.byteLength - 1] !== 10) lines++;
    meta.dataLines = Math.max(0, lines - 1);
  }
  return meta;
}
