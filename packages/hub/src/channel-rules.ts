import type { ChannelRule, Principal } from './types.js';

const PREFIX_SUFFIX = ':*';

/** Finds the rule that governs a channel name: an exact rule wins, then the longest prefix. */
export type RuleLookup = (channel: string) => ChannelRule | undefined;

export function createRuleLookup(rules: readonly ChannelRule[]): RuleLookup {
  const exact = new Map<string, ChannelRule>();
  const prefixes: { prefix: string; rule: ChannelRule }[] = [];
  for (const rule of rules) {
    if (rule.pattern.endsWith(PREFIX_SUFFIX)) {
      // Keep the ':' so 'resource:*' matches 'resource:x' but never 'resources'.
      prefixes.push({ prefix: rule.pattern.slice(0, -1), rule });
    } else {
      exact.set(rule.pattern, rule);
    }
  }
  // Longest first, so a narrower rule ('ext:admin:*') overrides a broader one ('ext:*').
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);

  return (channel) => {
    const found = exact.get(channel);
    if (found) return found;
    for (const { prefix, rule } of prefixes) {
      if (channel.length > prefix.length && channel.startsWith(prefix)) return rule;
    }
    return undefined;
  };
}

export function isAllowed(rule: ChannelRule, principal: Principal): boolean {
  return rule.scope === undefined || principal.scopes.includes(rule.scope);
}
