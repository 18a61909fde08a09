import AxeBuilder from '@axe-core/playwright';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/** Every axe violation, whatever its impact, as `rule (impact): targets` lines (empty when clean). */
export async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact ?? 'no impact'}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** axe on the page as it is now, at the desktop and the phone size; the viewport is put back after. */
export async function cleanAt(page: Page, what: string): Promise<void> {
  const original = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await violations(page), `${what} at ${size.width}x${size.height}`).toEqual([]);
  }
  if (original) await page.setViewportSize(original);
}
