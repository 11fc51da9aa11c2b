import { defaultTreeAdapter, html as parse5Html, parse, parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { attachmentImageSource, mailFrameDocument, revealRemoteImages } from './render';
import { sanitizeMailHtml } from './sanitize';

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

function elementsOf(root: DefaultTreeAdapterTypes.ParentNode): Element[] {
  const found: Element[] = [];
  const pending: Node[] = [...root.childNodes];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!('tagName' in node)) continue;
    found.push(node);
    pending.push(...node.childNodes);
  }
  return found;
}

function imageSources(bodyHtml: string): Array<string | null> {
  const bodyContext = defaultTreeAdapter.createElement('body', parse5Html.NS.HTML, []);
  return elementsOf(parseFragment(bodyContext, bodyHtml, {}))
    .filter((element) => element.tagName === 'img')
    .map((element) => element.attrs.find((attribute) => attribute.name === 'src')?.value ?? null)
    .reverse();
}

describe('revealRemoteImages', () => {
  it('moves a parked remote URL back to src', () => {
    const { html } = sanitizeMailHtml('<img src="https://cdn.example/a.png?x=1&amp;y=2" alt="A"><p>text</p>');
    expect(revealRemoteImages(html)).toBe('<img src="https://cdn.example/a.png?x=1&amp;y=2" alt="A"><p>text</p>');
    expect(imageSources(revealRemoteImages(html))).toEqual(['https://cdn.example/a.png?x=1&y=2']);
  });

  it('never turns a data-remote-src that came with the mail into a src', () => {
    const hostile =
      '<img data-remote-src="javascript:alert(1)" src="cid:nothing">' +
      '<img data-remote-src="javascript:alert(2)" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">' +
      '<p data-remote-src="https://cdn.example/p.png">p</p>';
    const revealed = revealRemoteImages(sanitizeMailHtml(hostile).html);
    expect(revealed).not.toContain('javascript');
    expect(revealed).not.toContain('cdn.example');
    expect(imageSources(revealed)).toEqual(['data:image/gif;base64,R0lGODlhAQABAAAAACw=']);
  });

  it('refuses non-web URLs even if stored HTML was tampered with', () => {
    const tampered = '<img data-remote-src="javascript:alert(1)"><img data-remote-src="data:text/html,x"><img data-remote-src="/api/x">';
    expect(revealRemoteImages(tampered)).toBe(tampered);
  });

  it('leaves an image that already has a src alone', () => {
    const stored = '<img src="data:image/png;base64,AAAA" data-remote-src="https://cdn.example/a.png">';
    expect(revealRemoteImages(stored)).toBe(stored);
  });

  it('does not touch look-alikes in text or attribute values', () => {
    const { html } = sanitizeMailHtml(
      '<p title=\'<img data-remote-src="https://cdn.example/t.png">\'>&lt;img data-remote-src="https://cdn.example/u.png"&gt;</p>',
    );
    expect(revealRemoteImages(html)).toBe(html);
  });

  it('copes with "$" sequences in URLs', () => {
    const { html } = sanitizeMailHtml('<img src="https://cdn.example/a.png?q=$&amp;r=$1">');
    expect(imageSources(revealRemoteImages(html))).toEqual(['https://cdn.example/a.png?q=$&r=$1']);
  });
});

describe('mailFrameDocument', () => {
  const body = sanitizeMailHtml('<p>Hello</p><img src="https://tracker.example/p.gif" width="1" height="1">').html;

  function contentSecurityPolicyOf(frameDocument: string): string {
    const meta = elementsOf(parse(frameDocument)).find(
      (element) =>
        element.tagName === 'meta' &&
        element.attrs.some((attribute) => attribute.name === 'http-equiv' && attribute.value === 'Content-Security-Policy'),
    );
    return meta?.attrs.find((attribute) => attribute.name === 'content')?.value ?? '';
  }

  it('puts the CSP first in <head> and has no script', () => {
    const frameDocument = mailFrameDocument(body, { showRemoteImages: false });
    const head = elementsOf(parse(frameDocument)).find((element) => element.tagName === 'head');
    const firstInHead = head?.childNodes.find((node): node is Element => 'tagName' in node);
    expect(firstInHead?.attrs).toContainEqual({ name: 'http-equiv', value: 'Content-Security-Policy' });
    expect(frameDocument).not.toMatch(/<script/i);
    expect(frameDocument).toContain('<base target="_blank">');
    expect(frameDocument).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('allows only inline images while remote images are blocked', () => {
    const frameDocument = mailFrameDocument(body, { showRemoteImages: false });
    const policy = contentSecurityPolicyOf(frameDocument);
    expect(policy).toBe(
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'",
    );
    expect(imageSources(frameDocument.slice(frameDocument.indexOf('<body>') + 6, frameDocument.indexOf('</body>')))).toEqual([null]);
  });

  it('reveals images and lets web images through when the reader chose to see them', () => {
    const frameDocument = mailFrameDocument(body, { showRemoteImages: true });
    expect(contentSecurityPolicyOf(frameDocument)).toContain('img-src data: https: http:;');
    expect(frameDocument).toContain('<img src="https://tracker.example/p.gif" width="1" height="1">');
  });

  it("allows the app's attachment path by origin, since the frame's own origin is opaque", () => {
    const source = attachmentImageSource('https://crm.example.com/');
    expect(source).toBe('https://crm.example.com/api/mail/attachments/');
    const policy = contentSecurityPolicyOf(mailFrameDocument(body, { showRemoteImages: false, attachmentImageSource: source }));
    expect(policy).toContain('img-src data: https://crm.example.com/api/mail/attachments/;');
  });

  it('refuses an attachment source that would inject CSP directives', () => {
    expect(attachmentImageSource("https://x.example; script-src 'unsafe-inline'")).toBeNull();
    const policy = contentSecurityPolicyOf(
      mailFrameDocument(body, { showRemoteImages: false, attachmentImageSource: "https://x.example/; script-src 'unsafe-inline'" }),
    );
    expect(policy).not.toContain('script-src');
  });
});
