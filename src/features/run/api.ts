import type * as vscode from 'vscode';
import type { QueryResult } from '../../core/connections/types';
import type { SavedQueryStore } from '../../core/run/savedQueries';

export interface RunRequest {
  connectionId: string;
  sql: string;
  /** Where the SQL came from, for diagnostics at the right position. */
  source?: { uri: vscode.Uri; offset: number };
  /** A title for the results tab. */
  title?: string;
}

/** What other features may ask of the run feature. */
export interface RunApi {
  /**
   * Runs SQL the way the "Run" CodeLens does (read-only policy, write confirmation, progress + cancel, history,
   * results panel) and resolves with the first page of the result, or undefined if the user cancelled.
   */
  run(request: RunRequest): Promise<QueryResult | undefined>;
  /** The saved queries the History view shows (account sync pushes and pulls them through this store). */
  readonly savedQueries: SavedQueryStore;
}
