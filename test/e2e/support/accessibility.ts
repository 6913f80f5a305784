import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResults {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

/**
 * Runs axe-core's WCAG 2.x A and AA rules (labels, names, contrast, landmarks, ...) on the page as it
 * is now, and fails with what broke. Evaluated through the DevTools protocol, which the page's CSP
 * does not govern, so the page is tested with its policy in force.
 */
export async function checkAccessibility(
  page: Page,
  view: string,
): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    () =>
      (
        window as unknown as {
          axe: {
            run: (context: Document, options: object) => Promise<unknown>;
          };
        }
      ).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
      }) as Promise<AxeResults>,
  );
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
        .map((node) => JSON.stringify(node.target))
        .join(', ')}`,
  );
  expect({ view, violations }).toEqual({ view, violations: [] });
}
