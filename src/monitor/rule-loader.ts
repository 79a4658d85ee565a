/**
 * A set of rule files -> the rules that load, and every problem with the others. A file that
 * does not parse, a second rule with an id already taken, a correlation naming a rule that is
 * missing (or was itself refused) — each is refused alone, naming file and line; the rest load.
 * Pure: the caller reads the files (`rule-files.ts`) or takes them from storage.
 */
import { parseDuration } from './duration.js';
import { parseRuleFile } from './rule-parser.js';
import { LEVELS, type Level, type Rule, type RuleProblem } from './rule.model.js';

export interface RuleSource {
  /** A name for messages: the path in the repository, or `storage:<id>@<version>`. */
  readonly file: string;
  readonly text: string;
}

export interface LoadedRules {
  /** Detection rules first, then correlations, each group in file order. */
  readonly rules: readonly Rule[];
  readonly problems: readonly RuleProblem[];
}

export function loadRules(sources: readonly RuleSource[]): LoadedRules {
  const problems: RuleProblem[] = [];
  const parsed: { rule: Rule; idLine: number; rulesLine: number }[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const result = parseRuleFile(source.file, source.text);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    const earlier = seen.get(result.rule.id);
    if (earlier !== undefined) {
      problems.push({
        file: source.file,
        line: result.lines.id,
        column: 1,
        problem: `id: the id '${result.rule.id}' is already used by ${earlier}`,
      });
      continue;
    }
    seen.set(result.rule.id, source.file);
    parsed.push({ rule: result.rule, idLine: result.lines.id, rulesLine: result.lines.rules });
  }

  const checked = checkReferences(parsed);
  problems.push(...checked.problems);
  return { rules: checked.rules, problems };
}

/**
 * A correlation counts the matches of detection rules: one naming a rule that is missing, or a
 * correlation, is refused (naming its `correlation.rules` line); refusing one may leave another's
 * reference dangling, so this repeats until nothing more is refused. Detection rules come first,
 * then correlations, each group in the given order.
 */
export function checkReferences(
  entries: readonly { readonly rule: Rule; readonly rulesLine: number }[],
): LoadedRules {
  const problems: RuleProblem[] = [];
  const accepted = new Map(entries.map((entry) => [entry.rule.id, entry]));
  let changed = true;
  while (changed) {
    changed = false;
    for (const entry of [...accepted.values()]) {
      const { rule } = entry;
      if (rule.kind !== 'correlation') continue;
      for (const reference of rule.correlation.rules) {
        const target = accepted.get(reference)?.rule;
        const problem =
          target === undefined
            ? `correlation.rules: no loaded rule has the id '${reference}'`
            : target.kind !== 'detection'
              ? `correlation.rules: '${reference}' is a correlation; a correlation counts detection rules`
              : null;
        if (problem) {
          problems.push({ file: rule.file, line: entry.rulesLine, column: 1, problem });
          accepted.delete(rule.id);
          changed = true;
          break;
        }
      }
    }
  }
  const rules = [...accepted.values()].map((entry) => entry.rule);
  return {
    rules: [
      ...rules.filter((r) => r.kind === 'detection'),
      ...rules.filter((r) => r.kind === 'correlation'),
    ],
    problems,
  };
}

/** A configurable starting point changed without editing the file (issue 13: thresholds are configurable). */
export interface RuleOverride {
  readonly threshold?: number;
  readonly timespan?: string;
  readonly level?: Level;
  readonly shadow?: boolean;
}

/** Applies overrides by rule id; an override naming no rule, or a bad value, is a problem. */
export function applyOverrides(
  rules: readonly Rule[],
  overrides: Readonly<Record<string, RuleOverride>>,
): { rules: Rule[]; problems: string[] } {
  const problems: string[] = [];
  const byId = new Set(rules.map((rule) => rule.id));
  for (const id of Object.keys(overrides)) {
    if (!byId.has(id)) problems.push(`override for '${id}': no such rule`);
  }
  const updated = rules.map((rule): Rule => {
    const override = overrides[rule.id];
    if (!override) return rule;
    let next: Rule = rule;
    if (override.level !== undefined) {
      if (LEVELS.includes(override.level)) next = { ...next, level: override.level };
      else problems.push(`override for '${rule.id}': unknown level '${String(override.level)}'`);
    }
    if (override.shadow !== undefined) next = { ...next, shadow: override.shadow };
    if (override.threshold !== undefined || override.timespan !== undefined) {
      if (next.kind !== 'correlation') {
        problems.push(`override for '${rule.id}': threshold and timespan apply to correlations`);
        return next;
      }
      let { threshold, timespanMs } = next.correlation;
      if (override.threshold !== undefined) {
        if (Number.isInteger(override.threshold) && override.threshold >= 1)
          threshold = override.threshold;
        else problems.push(`override for '${rule.id}': threshold must be a whole number ≥ 1`);
      }
      if (override.timespan !== undefined) {
        const parsed = parseDuration(override.timespan);
        if (parsed === null)
          problems.push(`override for '${rule.id}': '${override.timespan}' is not a duration`);
        else timespanMs = parsed;
      }
      const dedupFollows = next.dedup.windowMs === next.correlation.timespanMs;
      next = {
        ...next,
        correlation: { ...next.correlation, threshold, timespanMs },
        dedup: dedupFollows ? { ...next.dedup, windowMs: timespanMs } : next.dedup,
      };
    }
    return next;
  });
  return { rules: updated, problems };
}
