/**
 * When may generated SQL run without the user pressing Run? Only with `autoExecute` on, only read-only statements,
 * and only on connections that are themselves read-only. Writes never run by themselves.
 */
import { classifyScript } from '../connections/classify';

export interface AutoExecuteDecision {
  run: boolean;
  reason: string;
}

export function autoExecuteDecision(o: { autoExecute: boolean; sql: string; dialect: string; connectionAllowsWrites: boolean }): AutoExecuteDecision {
  if (!o.autoExecute) return { run: false, reason: 'Auto-run is off (iopsdata.ai.autoExecute).' };
  const script = classifyScript(o.sql, o.dialect);
  if (script.isWrite || script.statements.length !== 1) return { run: false, reason: 'Statements that can change data never run automatically.' };
  if (o.connectionAllowsWrites) return { run: false, reason: 'Auto-run only happens on read-only connections.' };
  return { run: true, reason: 'Read-only query on a read-only connection.' };
}
