import { Page } from 'playwright-core';

/** A piece of text the browser laid out across lines where it must not be. */
export interface BrokenText {
  /** The whole text node. */
  text: string;
  /** What broke: a button's or tab's label, or a word split inside itself. */
  problem: 'label on several lines' | 'word split across lines';
  /** The part that broke: the label, or the word. */
  part: string;
}

/**
 * Every visible text node of the page that breaks where a reader trips over it: a button's, tab's
 * or table heading's label laid out on more than one line ("CHANG / E TIER"), or a word split
 * inside itself ("enterpris / e", "Kuadran / t"). A word is a run of letters and digits: a line
 * break after a hyphen, slash or dot (in "platform-team" or a URL) is not a split word.
 */
export async function brokenText(page: Page): Promise<BrokenText[]> {
  return page.evaluate(() => {
    const lines = (range: Range) =>
      new Set(
        [...range.getClientRects()]
          .filter(r => r.width > 0 && r.height > 0)
          .map(r => Math.round(r.top)),
      ).size;
    const found: Array<{ text: string; problem: string; part: string }> = [];
    const walker = document.createTreeWalker(
      document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!text.trim() || !parent || parent.getClientRects().length === 0)
        continue;
      const range = document.createRange();
      const label = parent.closest('button, [role="button"], [role="tab"]');
      if (label) {
        range.selectNodeContents(node);
        if (lines(range) > 1)
          found.push({
            text,
            problem: 'label on several lines',
            part: text.trim(),
          });
      }
      for (const word of text.matchAll(/[\p{L}\p{N}]{2,}/gu)) {
        range.setStart(node, word.index!);
        range.setEnd(node, word.index! + word[0].length);
        if (lines(range) > 1)
          found.push({
            text,
            problem: 'word split across lines',
            part: word[0],
          });
      }
    }
    return found;
  }) as Promise<BrokenText[]>;
}

/**
 * Code blocks whose text runs out of sight: wider than the block, which neither wraps nor scrolls.
 */
export async function clippedCode(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('pre')]
      .filter(pre => {
        const overflow = getComputedStyle(pre).overflowX;
        return (
          pre.scrollWidth > pre.clientWidth + 1 &&
          overflow !== 'auto' &&
          overflow !== 'scroll'
        );
      })
      .map(pre => (pre.textContent ?? '').slice(0, 60)),
  );
}
