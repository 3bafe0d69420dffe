import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

/**
 * axe-core in JupyterLab, made to check colour contrast.
 *
 * JupyterLab 4 wraps the shell in `.jp-ThemedContainer`, which is 0 px high
 * with `overflow: hidden`. axe then takes every panel for clipped off-screen
 * content and skips colour-contrast on it, reporting no problem. Letting the
 * container's overflow show (no layout change: the shell is positioned
 * absolutely) makes axe see the panels as the user does; `scan` checks that
 * contrast was really evaluated on the scanned part, so a test can not pass
 * by looking at nothing.
 */
export async function exposeToAxe(page: IJupyterLabPageFixture): Promise<void> {
  await page.addStyleTag({
    content: '.jp-ThemedContainer { overflow: visible !important; }'
  });
}

export interface IScan {
  /** What was scanned, e.g. "Rucio panel (dark)". */
  surface: string;
  /** Violations by impact: critical, serious, moderate, minor. */
  counts: Record<string, number>;
  /** Elements on which colour contrast was evaluated (passed or failed). */
  contrastChecked: number;
  /** Visible elements with text of their own in the scanned part. */
  textElements: number;
  /** One line per serious or critical violation: rule, contrast, element. */
  problems: string[];
}

/** The WCAG 2.1 A and AA rules. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Run axe on one part of the page (a CSS selector) and summarise it. */
export async function scan(
  page: IJupyterLabPageFixture,
  selector: string,
  surface: string
): Promise<IScan> {
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(TAGS)
    .analyze();
  const counts: Record<string, number> = {
    critical: 0,
    serious: 0,
    moderate: 0,
    minor: 0
  };
  const problems: string[] = [];
  for (const violation of results.violations) {
    for (const node of violation.nodes) {
      const impact = node.impact ?? violation.impact ?? 'minor';
      counts[impact] = (counts[impact] ?? 0) + 1;
      if (impact === 'serious' || impact === 'critical') {
        const contrast = node.any.find(c => c.id === 'color-contrast')?.data as
          | { contrastRatio?: number; fgColor?: string; bgColor?: string }
          | undefined;
        const ratio = contrast?.contrastRatio
          ? ` ${contrast.contrastRatio}:1 (${contrast.fgColor} on ${contrast.bgColor})`
          : '';
        problems.push(
          `${violation.id}${ratio}: ${node.target.join(' ')} — ${node.html.slice(0, 120)}`
        );
      }
    }
  }
  const contrastRule = (list: typeof results.passes) =>
    list.find(rule => rule.id === 'color-contrast')?.nodes.length ?? 0;
  const contrastChecked =
    contrastRule(results.passes) + contrastRule(results.violations);
  const textElements = await page.evaluate(root => {
    let count = 0;
    for (const scope of Array.from(document.querySelectorAll(root))) {
      for (const el of Array.from(scope.querySelectorAll('*'))) {
        const own = Array.from(el.childNodes).some(
          n => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()
        );
        const box = (el as HTMLElement).getBoundingClientRect();
        if (own && box.width > 0 && box.height > 0) {
          count++;
        }
      }
    }
    return count;
  }, selector);
  return { surface, counts, contrastChecked, textElements, problems };
}

/** Scan, record the figures, and require zero serious or critical violations. */
export async function expectAccessible(
  page: IJupyterLabPageFixture,
  selector: string,
  surface: string
): Promise<IScan> {
  await expect(page.locator(selector).first()).toBeVisible();
  const result = await scan(page, selector, surface);
  recordFigures(result);
  // Contrast must have been evaluated on most of the text, or the scan proves
  // nothing (in the trap, axe checks a handful of elements out of a hundred).
  expect(
    result.contrastChecked,
    `${surface}: elements contrast-checked, of ${result.textElements} with text`
  ).toBeGreaterThanOrEqual(Math.ceil(result.textElements * 0.6));
  expect(result.problems, `${surface}: serious or critical violations`).toEqual(
    []
  );
  return result;
}

const REPO = path.resolve(__dirname, '..', '..');

/** Add the scan's figures to the suite's table (scripts/figures.py's format). */
export function recordFigures(result: IScan): void {
  const folder =
    process.env.VRE_FIGURES_DIR ?? path.join(REPO, '.test-figures');
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'a11y.json');
  const figures = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf-8'))
    : {};
  const { critical, serious, moderate, minor } = result.counts;
  // The step that measured it, so that the table marks figures of a failed suite.
  const step = process.env.VRE_FIGURES_STEP;
  figures[`axe ${result.surface}: critical/serious/moderate/minor`] = {
    value: `${critical}/${serious}/${moderate}/${minor}`,
    step
  };
  figures[`axe ${result.surface}: elements contrast-checked`] = {
    value: result.contrastChecked,
    step
  };
  fs.writeFileSync(file, JSON.stringify(figures, null, 1));
}

/**
 * `expectAccessible` in the light and then the dark theme (back to light after), with a
 * screenshot of each first when `images` names them.
 */
export async function expectAccessibleInBothThemes(
  page: IJupyterLabPageFixture,
  selector: string,
  surface: string,
  images?: { light: string; dark: string }
): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    if (theme === 'dark') {
      await useTheme(page, 'dark'); // the caller is in the light theme
    }
    if (images) {
      await page.screenshot({ path: images[theme] });
    }
    await expectAccessible(page, selector, `${surface} (${theme})`);
  }
  await useTheme(page, 'light');
}

/** Switch JupyterLab's theme and wait until it applies. */
export async function useTheme(
  page: IJupyterLabPageFixture,
  theme: 'light' | 'dark'
): Promise<void> {
  if (theme === 'dark') {
    await page.theme.setDarkTheme();
  } else {
    await page.theme.setLightTheme();
  }
}
