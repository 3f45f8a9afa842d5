/**
 * Finished profiles kept per file and options, valid while the file's size and mtime are unchanged: reopening a
 * profile is instant, and any edit to the file (or a different dialect override) profiles again.
 */
import { stat } from 'node:fs/promises';
import type { FileProfile, ProfileOptions } from './types';

interface Entry {
  size: number;
  mtimeMs: number;
  profile: FileProfile;
}

export function cacheKey(path: string, options: ProfileOptions = {}): string {
  const { dialect, format, bins, sampleRows } = options;
  return JSON.stringify([path, dialect ?? null, format ?? null, bins ?? null, sampleRows ?? null]);
}

export class ProfileCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly maxEntries = 20) {}

  /** The cached profile when the file still has the size and mtime it had when profiled. */
  async get(path: string, options?: ProfileOptions): Promise<FileProfile | undefined> {
    const key = cacheKey(path, options);
    const e = this.entries.get(key);
    if (!e) return undefined;
    try {
      const st = await stat(path);
      if (st.size === e.size && st.mtimeMs === e.mtimeMs) {
        // Most recently used last.
        this.entries.delete(key);
        this.entries.set(key, e);
        return e.profile;
      }
    } catch {}
    this.entries.delete(key);
    return undefined;
  }

  set(path: string, options: ProfileOptions | undefined, profile: FileProfile): void {
    if (!profile.file) return;
    const key = cacheKey(path, options);
    this.entries.delete(key);
    this.entries.set(key, { size: profile.file.sizeBytes, mtimeMs: profile.file.mtimeMs, profile });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
