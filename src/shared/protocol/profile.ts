/** Messages between the profile panel (webview-ui/src/profile) and its host (src/features/profiling). */
import type { CsvDialect, FileProfile, ProfilePhase } from '../../core/profiling/types';

export type { CsvDialect, FileProfile, ProfilePhase, ColumnProfile, Finding, HistogramBin, TopValue } from '../../core/profiling/types';

/** Initial state embedded in the page: what is being profiled. */
export interface ProfileInitialState {
  title: string;
  /** Whether the source is a file (re-profile with dialect, Query this file) or a table. */
  source: 'file' | 'table';
}

export type ProfileToWebview =
  /** A partial (while running) or final profile; replaces the previous one. */
  | { type: 'profile'; profile: FileProfile; phase: ProfilePhase; phaseLabel: string; done: boolean; cached?: boolean }
  | { type: 'profileError'; message: string; cancelled?: boolean };

export type ProfileToHost =
  | { type: 'reprofile'; dialect: Partial<CsvDialect> }
  | { type: 'cancelProfile' }
  | { type: 'copyMarkdown' }
  | { type: 'exportJson' }
  | { type: 'queryFile' };
