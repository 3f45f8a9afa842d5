/** Token accounting: per request (as providers report it) and per session, per provider. */
import type { TokenUsage } from './types';

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

export const zeroUsage = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0 });

export function formatUsage(u: TokenUsage): string {
  return `${u.promptTokens.toLocaleString('en-US')} prompt + ${u.completionTokens.toLocaleString('en-US')} completion tokens`;
}

export class UsageMeter {
  private totals = zeroUsage();
  private requestCount = 0;
  private readonly perProvider = new Map<string, TokenUsage>();

  record(provider: string, usage: TokenUsage): void {
    this.totals = addUsage(this.totals, usage);
    this.requestCount++;
    this.perProvider.set(provider, addUsage(this.perProvider.get(provider) ?? zeroUsage(), usage));
  }

  get total(): TokenUsage {
    return { ...this.totals };
  }

  get requests(): number {
    return this.requestCount;
  }

  byProvider(): Record<string, TokenUsage> {
    return Object.fromEntries([...this.perProvider].map(([k, v]) => [k, { ...v }]));
  }

  reset(): void {
    this.totals = zeroUsage();
    this.requestCount = 0;
    this.perProvider.clear();
  }
}
