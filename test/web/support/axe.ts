/**
 * The accessibility audit the browser suites run on the pages and states they reach: axe-core
 * (Deque's rules engine, the one behind Chromium's and Lighthouse's accessibility audits) loaded
 * into the page and run over the whole document with the WCAG 2.0, 2.1 and 2.2 A and AA rules —
 * contrast, names and labels, ARIA use, the page's language, target sizes — and axe's best
 * practices (landmarks, headings' order, content outside a landmark). What axe cannot decide
 * itself ("needs review") fails too, until someone has looked: a finding checked and found to be
 * no barrier goes into REVIEWED with the reason. Each finding fails the test (softly, so one run
 * names every page's) with its rule, the elements as CSS selectors and what the rule asks for.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// Read once per suite. Loaded through page.evaluate (the DevTools protocol), not a <script> tag:
// the server's CSP allows scripts from 'self' only, so an inline tag would be refused, and the
// suites count a CSP violation as a problem of the page.
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** WCAG 2.0–2.2 levels A and AA (what the product standard promises), and axe's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * "Needs review" findings looked at and found to be no barrier, by rule id, each with why.
 * Empty: none so far. Violations are never listed here; fix the page instead.
 */
const REVIEWED: Readonly<Record<string, string>> = {};

/** What axe-core reports of one rule's findings (only the fields read here). */
interface AxeResult {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly {
    readonly target: readonly unknown[];
    readonly failureSummary?: string;
  }[];
}

interface Findings {
  readonly violations: readonly AxeResult[];
  readonly incomplete: readonly AxeResult[];
}

/** The in-page side: axe-core's global once its source has run. */
interface InPage {
  readonly axe?: {
    run(
      context: unknown,
      options: { runOnly: { type: 'tag'; values: string[] }; resultTypes: string[] },
    ): Promise<Findings>;
  };
  readonly document: unknown;
}

/** Runs the audit over the page as it is now; resolves axe-core's violations and open questions. */
export async function axeFindings(page: Page): Promise<Findings> {
  const loaded = await page.evaluate(() => (globalThis as unknown as InPage).axe !== undefined);
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const window = globalThis as unknown as InPage;
    const results = await window.axe!.run(window.document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations', 'incomplete'],
    });
    // Only what the message needs crosses back over the protocol.
    const plain = (list: readonly AxeResult[]) =>
      list.map((result) => ({
        id: result.id,
        impact: result.impact,
        help: result.help,
        nodes: result.nodes.map((node) => ({
          target: node.target,
          failureSummary: node.failureSummary,
        })),
      }));
    return { violations: plain(results.violations), incomplete: plain(results.incomplete) };
  }, TAGS);
}

/** One line per element: rule (impact): help — selector: what is wrong with it. */
export function describeFindings(findings: Findings): string[] {
  const lines = (results: readonly AxeResult[], kind: string) =>
    results.flatMap((result) =>
      result.nodes.map((node) =>
        [
          `${kind}${result.id} (${result.impact ?? 'unknown impact'}): ${result.help}`,
          ` — ${node.target.map(String).join(' › ')}`,
          node.failureSummary ? `: ${node.failureSummary.replace(/\s+/g, ' ').trim()}` : '',
        ].join(''),
      ),
    );
  return [
    ...lines(findings.violations, ''),
    ...lines(
      findings.incomplete.filter((result) => !(result.id in REVIEWED)),
      'needs review: ',
    ),
  ];
}

/**
 * Fails, naming every finding, unless the page as it is now passes the audit. `label` says which
 * page and state was audited; it leads the assertion's message. The failure is soft: the test
 * goes on (its later states are audited too) and fails at its end.
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  expect.soft(describeFindings(await axeFindings(page)), `axe: ${label}`).toEqual([]);
}
