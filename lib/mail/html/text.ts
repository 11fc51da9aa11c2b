const NAMED_ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * A rough text of an HTML body, for the snippet and the search index only (never displayed as HTML):
 * comments and the content of head, script, style and title go, line-breaking tags become line
 * breaks, other tags spaces, entities are decoded. One pass from left to right: the HTML is the
 * sender's, and the regular expressions this replaces took quadratic time on unclosed constructs.
 */
export function htmlToPlainText(html: string): string {
  let text = '';
  let position = 0;
  // Once a search for a closing construct fails, it fails from every later position too.
  let commentsClose = true;
  let tagsClose = true;
  const unclosedElements = new Set<string>();
  while (position < html.length) {
    const open = html.indexOf('<', position);
    if (open === -1) break;
    text += html.slice(position, open);
    position = open + 1;
    if (commentsClose && html.startsWith('!--', open + 1)) {
      const close = html.indexOf('-->', open + 4);
      if (close !== -1) {
        text += ' ';
        position = close + 3;
        continue;
      }
      commentsClose = false;
    }
    const rawText = RAW_TEXT_ELEMENT.exec(html.slice(open + 1, open + 8));
    const rawTextName = rawText?.[1]?.toLowerCase();
    if (rawTextName !== undefined && !unclosedElements.has(rawTextName)) {
      const closing = new RegExp(`</${rawTextName}\\s*>`, 'gi');
      closing.lastIndex = open + 1;
      const match = closing.exec(html);
      if (match !== null) {
        text += ' ';
        position = match.index + match[0].length;
        continue;
      }
      unclosedElements.add(rawTextName);
    }
    const close = tagsClose ? html.indexOf('>', open + 1) : -1;
    if (close === -1) {
      // A "<" that no ">" follows is text.
      tagsClose = false;
      text += '<';
      continue;
    }
    text += LINE_BREAKING_TAG.test(html.slice(open + 1, open + 6)) ? '\n' : ' ';
    position = close + 1;
  }
  text += html.slice(position);
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : ' ';
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

const RAW_TEXT_ELEMENT = /^(head|script|style|title)(?!\w)/i;
const LINE_BREAKING_TAG = /^(?:br|\/p|\/div|\/tr|\/li|\/h[1-6])(?!\w)/i;
