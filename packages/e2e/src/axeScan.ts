import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';

/** axe-core's browser build, injected into the page under test. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One serious or critical finding: the rule, and the elements that break it. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Findings in Backstage's own chrome, not in the suite, that the suite cannot change; each names
 * the rule, the element and why. Everything else that is serious or critical fails the scan.
 */
export const UPSTREAM_FINDINGS: Array<{
  rule: string;
  target: RegExp;
  why: string;
}> = [
  {
    rule: 'aria-valid-attr-value',
    target: /-tab-/,
    why: "the page header's tabs (@backstage/ui, react-aria) point aria-controls at tab panels that the router renders only for the selected tab",
  },
];

const upstream = (rule: string, target: string) =>
  UPSTREAM_FINDINGS.some(u => u.rule === rule && u.target.test(target));

/**
 * Runs axe-core (WCAG 2.x A and AA rules, and best practices) over the page as it is now and
 * returns its serious and critical violations, less the known upstream ones.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  // An evaluated expression, not a <script> tag: the portal's CSP allows no inline scripts.
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n: any) => n.target.join(' ')),
    }));
  })) as AxeFinding[];
  return violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ ...v, targets: v.targets.filter(t => !upstream(v.rule, t)) }))
    .filter(v => v.targets.length > 0);
}
