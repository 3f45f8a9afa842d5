/** Messages between the Ask sidebar view (webview-ui/src/ask) and its host (src/features/chat/askView.ts). */

export interface AskUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface AskResultTable {
  columns: string[];
  /** Cells already turned into display text by the host. */
  rows: string[][];
  rowCount: number;
  truncated: boolean;
  elapsedMs: number;
}

export interface AskTurn {
  id: string;
  question: string;
  connectionId: string;
  connectionName: string;
  status: 'pending' | 'done' | 'error';
  /** Progress line while pending. */
  progress?: string;
  sql?: string;
  explanation?: string;
  attempts?: number;
  valid?: boolean;
  problems?: string[];
  isWrite?: boolean;
  provider?: string;
  model?: string;
  usage?: AskUsage;
  error?: string;
  result?: AskResultTable;
  runError?: string;
  summary?: string;
}

export interface AskOption {
  id: string;
  label: string;
  ready?: boolean;
}

export interface AskStateMessage {
  type: 'askState';
  providers: AskOption[];
  /** '' = the configured chain with fallback. */
  provider: string;
  connections: AskOption[];
  connectionId: string;
  turns: AskTurn[];
  sessionUsage: AskUsage;
  autoExecute: boolean;
}

export interface AskTurnMessage {
  type: 'askTurn';
  turn: AskTurn;
  sessionUsage: AskUsage;
}

export type AskToWebview = AskStateMessage | AskTurnMessage;

export type AskToHost =
  | { type: 'ready' }
  | { type: 'ask'; question: string }
  | { type: 'cancel' }
  | { type: 'setProvider'; provider: string }
  | { type: 'setConnection'; connectionId: string }
  | { type: 'runTurn'; turnId: string }
  | { type: 'openTurn'; turnId: string }
  | { type: 'lineageTurn'; turnId: string }
  | { type: 'summariseTurn'; turnId: string }
  | { type: 'clear' }
  | { type: 'setApiKey' }
  | { type: 'refreshSchema' };
