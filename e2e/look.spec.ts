import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { itemWith, myReferences, newPerson, requestReference, signUp } from './helpers';

/**
 * WCAG 1.4.11 non-text contrast, measured on the page as drawn: the focus
 * ring against what surrounds it, an input's border against its background.
 * Colors are composited up the ancestors (the top bar's buttons sit on a
 * translucent layer over the bar).
 */
async function contrastOf(locator: Locator, what: 'outline' | 'border'): Promise<number> {
  return locator.evaluate((element, what) => {
    type Rgba = [number, number, number, number];
    const parse = (color: string): Rgba => {
      const m = /rgba?\(([^)]+)\)/.exec(color);
      if (!m?.[1]) throw new Error(`unparsed color ${color}`);
      const [r = 0, g = 0, b = 0, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [r, g, b, a];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      const mix = (i: 0 | 1 | 2) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / (a || 1);
      return [mix(0), mix(1), mix(2), a];
    };
    /** The color behind `from` (its own background included when `self`), as composited. */
    const backdrop = (from: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let node = from; node; node = node.parentElement) {
        const layer = parse(getComputedStyle(node).backgroundColor);
        if (layer[3] > 0) layers.push(layer);
        if (layer[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]: Rgba) => {
      const c = [r, g, b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
    };
    const style = getComputedStyle(element);
    // The ring is drawn outside the element (outline-offset), on its parent's background;
    // a border sits between the field's own fill and what is around it: the weaker of the two counts.
    const line = parse(what === 'outline' ? style.outlineColor : style.borderTopColor);
    if (what === 'outline' && (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2)) return 0;
    const around = backdrop(element.parentElement);
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    const drawn = over(line, around);
    if (what === 'outline') return ratio(drawn, around);
    return Math.min(ratio(drawn, around), ratio(drawn, backdrop(element)));
  }, what);
}

/** Focus as a keyboard user would, so :focus-visible applies (a test fails if it does not). */
async function keyboardFocus(page: Page, locator: Locator): Promise<void> {
  await page.keyboard.press('Shift');
  await locator.focus();
  expect(await locator.evaluate((element) => element.matches(':focus-visible'))).toBe(true);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`${colorScheme} scheme: focus ring and input borders reach 3:1`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await signUp(page, newPerson(`Cy ${colorScheme}`));
    await requestReference(page, { name: 'Ring Referee', email: 'ring@example.com' });
    const item = itemWith(myReferences(page), 'Ring Referee');

    const targets: Array<[string, Locator]> = [
      ['a text field', page.getByRole('textbox', { name: 'Referee name' })],
      ['the message field', page.getByRole('textbox', { name: 'Message' })],
      ['the search field', page.getByRole('searchbox')],
      ['a button on a card', page.getByRole('button', { name: 'Request reference' })],
      ['a button in the top bar', page.getByRole('button', { name: 'Sign out', exact: true })],
      ['a link in the top bar', page.getByRole('link', { name: 'Requests for me' })],
      ['a link in a list', item.getByRole('link', { name: 'Ring Referee' })],
      ['a delete button', item.getByRole('button', { name: 'Delete' })],
    ];
    for (const [name, target] of targets) {
      await keyboardFocus(page, target);
      expect(await contrastOf(target, 'outline'), `focus ring of ${name}`).toBeGreaterThanOrEqual(3);
    }
    for (const [name, target] of targets.slice(0, 3)) {
      expect(await contrastOf(target, 'border'), `border of ${name}`).toBeGreaterThanOrEqual(3);
    }

    // The Undo notice is drawn in the other scheme's colors: its ring too.
    await item.getByRole('button', { name: 'Delete' }).click();
    const undo = page.getByRole('button', { name: 'Undo' });
    await keyboardFocus(page, undo);
    expect(await contrastOf(undo, 'outline'), 'focus ring of Undo').toBeGreaterThanOrEqual(3);
    await context.close();
  });
}

test('dark mode follows the system setting', async ({ browser }) => {
  const background = async (colorScheme: 'light' | 'dark') => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
    const colors = await page.evaluate(() => ({ body: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.querySelector('h1')!).color }));
    await context.close();
    return colors;
  };
  expect(await background('light')).toEqual({ body: 'rgb(248, 250, 252)', text: 'rgb(67, 56, 202)' });
  expect(await background('dark')).toEqual({ body: 'rgb(11, 17, 32)', text: 'rgb(165, 180, 252)' });
});

test('the built app arrives compressed, and says it varies by Accept-Encoding', async ({ page }) => {
  const scripts: Array<{ url: string; encoding: string | undefined; vary: string | undefined }> = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'script' && response.request().resourceType() !== 'stylesheet') return;
    const headers = response.headers();
    scripts.push({ url: response.url(), encoding: headers['content-encoding'], vary: headers.vary });
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    expect(script.encoding, script.url).toBe('br');
    expect(script.vary?.toLowerCase(), script.url).toContain('accept-encoding');
  }
});
