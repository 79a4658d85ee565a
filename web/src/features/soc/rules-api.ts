/**
 * The regulator's rule versions (`src/monitor/rule-versions.routes.ts`, docs/MONITOR.md): a
 * rule's YAML in force, its versions, a new version, a rollback, the enabled switch. Refusals
 * come back as `StaffProblem`s carrying the server's `problems` (by line) or `failures` (tests).
 */
import { ApiError, getJson, isRecord } from '../../api/http';
import { StaffProblem, staffSend } from './soc-api';

export interface RuleDetail {
  readonly id: string;
  readonly title: string;
  readonly version: number;
  readonly source: 'shipped' | 'stored';
  readonly enabled: boolean;
  readonly content: string | null;
}

export interface RuleVersion {
  readonly version: number;
  readonly source: 'shipped' | 'stored';
  readonly action: 'shipped' | 'create' | 'update' | 'rollback';
  readonly restoredFrom: number | null;
  readonly contentHash: string | null;
  readonly reason: string | null;
  readonly createdBy: string | null;
  readonly createdAt: string | null;
  readonly current: boolean;
}

/** What is wrong with a submitted rule, as the editor lists it. */
export type RuleIssue =
  | { readonly kind: 'line'; readonly line: number; readonly column: number; readonly text: string }
  | { readonly kind: 'test'; readonly ruleId: string; readonly text: string };

const path = (ruleId: string) => `/v1/monitor/rules/${encodeURIComponent(ruleId)}`;

function detailOf(body: unknown): RuleDetail {
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.version !== 'number')
    throw new ApiError({ kind: 'format', message: 'expected a rule' });
  return body as unknown as RuleDetail;
}

export const fetchRuleDetail = async (ruleId: string, signal: AbortSignal) =>
  detailOf(await getJson(path(ruleId), signal));

export async function fetchRuleVersions(
  ruleId: string,
  signal: AbortSignal,
): Promise<RuleVersion[]> {
  const body = await getJson(`${path(ruleId)}/versions`, signal);
  if (!isRecord(body) || !Array.isArray(body.items))
    throw new ApiError({ kind: 'format', message: 'expected the versions of a rule' });
  return body.items as RuleVersion[];
}

export const saveRuleVersion = async (
  ruleId: string,
  content: string,
  reason: string,
  baseVersion: number,
) =>
  detailOf(await staffSend('POST', `${path(ruleId)}/versions`, { content, reason, baseVersion }));

export const rollbackRule = async (ruleId: string, version: number, reason: string) =>
  detailOf(await staffSend('POST', `${path(ruleId)}/rollback`, { version, reason }));

export const setRuleEnabled = async (ruleId: string, enabled: boolean, reason: string) =>
  detailOf(await staffSend('PUT', `${path(ruleId)}/enabled`, { enabled, reason }));

/** The problems by line, or the failing tests, of a refused rule; empty for other failures. */
export function issuesOf(error: unknown): RuleIssue[] {
  if (!(error instanceof StaffProblem)) return [];
  const issues: RuleIssue[] = [];
  const { problems, failures } = error.body;
  if (Array.isArray(problems))
    for (const p of problems)
      if (isRecord(p) && typeof p.line === 'number' && typeof p.problem === 'string')
        issues.push({
          kind: 'line',
          line: p.line,
          column: typeof p.column === 'number' ? p.column : 1,
          text: p.problem,
        });
  if (Array.isArray(failures))
    for (const f of failures)
      if (isRecord(f) && typeof f.ruleId === 'string' && typeof f.problem === 'string')
        issues.push({ kind: 'test', ruleId: f.ruleId, text: f.problem });
  return issues;
}
