import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitize';
import { MAX_INLINE_IMAGE_URL_LENGTH } from './sanitize-urls';

describe('remote content', () => {
  it('parks a tracking pixel in data-remote-src and counts it', () => {
    const sanitized = sanitizeMailHtml('<p>Hi</p><img src="https://tracker.example/p.gif" width=1 height=1>');
    expect(sanitized.html).toBe('<p>Hi</p><img data-remote-src="https://tracker.example/p.gif" width="1" height="1">');
    expect(sanitized.blockedRemoteImages).toBe(1);
    expect(sanitized.hasRemoteContent).toBe(true);
  });

  it('treats protocol-relative and backslash URLs as remote', () => {
    const sanitized = sanitizeMailHtml('<img src="//cdn.example/a.png"><img src="\\\\cdn.example\\b.png">');
    expect(sanitized.html).toBe('<img data-remote-src="https://cdn.example/a.png"><img data-remote-src="https://cdn.example/b.png">');
    expect(sanitized.blockedRemoteImages).toBe(2);
  });

  it('removes url() from inline styles but keeps the rest of the declaration list', () => {
    const sanitized = sanitizeMailHtml('<div style="color:#333;background:url(https://t.example/x);padding:4px">x</div>');
    expect(sanitized.html).not.toContain('t.example');
    expect(sanitized.html).toContain('style="color: #333; padding: 4px"');
    expect(sanitized.hasRemoteContent).toBe(true);
    expect(sanitized.blockedRemoteImages).toBe(0);
  });

  it('drops srcset, background= and poster without parking them', () => {
    const sanitized = sanitizeMailHtml(
      '<img srcset="https://t.example/a.png 1x, https://t.example/b.png 2x" alt="x"><table background="https://t.example/bg"><tr><td>x</td></tr></table>',
    );
    expect(sanitized.html).toBe('<table><tr><td>x</td></tr></table>');
    expect(sanitized.blockedRemoteImages).toBe(0);
    expect(sanitized.hasRemoteContent).toBe(true);
  });

  it('reports no remote content for a self-contained message', () => {
    const sanitized = sanitizeMailHtml('<p style="color:red">Hello <a href="https://example.com/">link</a></p>');
    expect(sanitized).toMatchObject({ blockedRemoteImages: 0, hasRemoteContent: false });
  });

  it('drops a data-remote-src that came with the mail', () => {
    const sanitized = sanitizeMailHtml('<img data-remote-src="javascript:alert(1)" src="data:image/png;base64,iVBORw0KGgo=">');
    expect(sanitized.html).toBe('<img src="data:image/png;base64,iVBORw0KGgo=">');
  });
});

describe('inline images', () => {
  it('keeps small data: images of raster types', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
    expect(sanitizeMailHtml(`<img src="${png}" alt="dot">`).html).toBe(`<img src="${png}" alt="dot">`);
  });

  it('drops SVG and oversized data: images', () => {
    const svg = '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">';
    const huge = `<img src="data:image/png;base64,${'A'.repeat(MAX_INLINE_IMAGE_URL_LENGTH)}">`;
    expect(sanitizeMailHtml(svg + huge).html).toBe('');
  });

  it('rewrites cid: references through the callback', () => {
    const requested: string[] = [];
    const sanitized = sanitizeMailHtml('<img src="cid:logo%40mail.example" alt="Logo"><img src="CID:unknown@x">', {
      cidUrl: (contentId) => {
        requested.push(contentId);
        return contentId === 'logo@mail.example' ? '/api/mail/attachments/42/logo?size=full' : null;
      },
    });
    expect(requested).toEqual(['logo@mail.example', 'unknown@x']);
    expect(sanitized.html).toBe('<img src="/api/mail/attachments/42/logo?size=full" alt="Logo">');
    expect(sanitized.blockedRemoteImages).toBe(0);
  });

  it('drops cid: images when there is no callback or it returns something unsafe', () => {
    expect(sanitizeMailHtml('<img src="cid:a@b">').html).toBe('');
    expect(sanitizeMailHtml('<img src="cid:a@b">', { cidUrl: () => 'javascript:alert(1)' }).html).toBe('');
    expect(sanitizeMailHtml('<img src="cid:a@b">', { cidUrl: () => '//evil.example/x' }).html).toBe('');
    expect(sanitizeMailHtml('<img src="cid:a@b">', { cidUrl: () => 'https://cdn.example/x' }).html).toBe('');
  });
});

describe('newsletter markup', () => {
  const newsletter = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title>
<style type="text/css">
  /* Client resets */
  body { margin: 0; padding: 0; }
  @media only screen and (max-width: 600px) { .column { width: 100% !important; display: block !important; } }
</style></head>
<body bgcolor="#f4f4f4">
<table width="600" cellpadding="0" cellspacing="0" border="0" align="center" role="presentation" bgcolor="#ffffff">
  <tr><td class="column" valign="top" style="padding: 20px 30px; font-family: 'Helvetica Neue', Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #333333;">
    <h1 style="margin: 0 0 12px; color: rgb(17, 17, 17);">Monthly update</h1>
    <p>We shipped <strong>three</strong> things &amp; <em>fixed</em> a bug.</p>
    <ul><li>One</li><li>Two</li></ul>
    <ol start="3"><li>Three</li></ol>
    <p><a href="https://news.example.com/read?id=1&amp;utm=nl" style="color: #0066cc;" target="_self">Read more</a>
       or <a href="mailto:team@example.com?subject=Hi">mail us</a> or <a href="tel:+46701234567">call</a>.</p>
    <font face="Georgia" color="#555555" size="2">Old-school text</font>
  </td></tr>
</table>
</body></html>`;
  const sanitized = sanitizeMailHtml(newsletter);

  it('keeps layout tables with their attributes', () => {
    expect(sanitized.html).toContain(
      '<table width="600" cellpadding="0" cellspacing="0" border="0" align="center" role="presentation" bgcolor="#ffffff">',
    );
    expect(sanitized.html).toContain('<td class="column" valign="top" style="padding: 20px 30px; font-family: \'Helvetica Neue\', Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #333333">');
  });

  it('keeps headings, lists, emphasis, colours and fonts', () => {
    expect(sanitized.html).toContain('<h1 style="margin: 0 0 12px; color: rgb(17, 17, 17)">Monthly update</h1>');
    expect(sanitized.html).toContain('<p>We shipped <strong>three</strong> things &amp; <em>fixed</em> a bug.</p>');
    expect(sanitized.html).toContain('<ul><li>One</li><li>Two</li></ul>');
    expect(sanitized.html).toContain('<ol start="3"><li>Three</li></ol>');
    expect(sanitized.html).toContain('<font face="Georgia" color="#555555" size="2">Old-school text</font>');
  });

  it('opens every link in a new tab without referrer or opener', () => {
    expect(sanitized.html).toContain(
      '<a href="https://news.example.com/read?id=1&amp;utm=nl" target="_blank" rel="noopener noreferrer nofollow" style="color: #0066cc">Read more</a>',
    );
    expect(sanitized.html).toContain('<a href="mailto:team@example.com?subject=Hi" target="_blank" rel="noopener noreferrer nofollow">mail us</a>');
    expect(sanitized.html).toContain('<a href="tel:+46701234567" target="_blank" rel="noopener noreferrer nofollow">call</a>');
  });

  it('keeps the style sheet rules, drops head metadata, and carries the body colour over', () => {
    expect(sanitized.html.startsWith(
      '<style>body{margin: 0; padding: 0}\n@media only screen and (max-width: 600px){.column{width: 100% !important; display: block !important}}</style>' +
        '<div style="background-color: #f4f4f4">',
    )).toBe(true);
    expect(sanitized.html).not.toMatch(/<title|<meta|News</);
    expect(sanitized).toMatchObject({ blockedRemoteImages: 0, hasRemoteContent: false });
  });

  it('starts the body colour wrapper after an open paragraph, as a browser would (found by fuzzing)', () => {
    const html = sanitizeMailHtml('<p>Hi<body bgcolor="red">there').html;
    expect(html).toBe('<p>Hi</p><div style="background-color: red">there</div>');
    // The browser reads it back as written, so sanitizing again changes nothing.
    expect(sanitizeMailHtml(html).html).toBe(html);
  });

  it('writes a carriage return from a character reference as a reference, which a browser keeps (found by fuzzing)', () => {
    const html = sanitizeMailHtml('<p title="a&#13;b">one&#13;two</p>').html;
    expect(html).toBe('<p title="a&#13;b">one&#13;two</p>');
    expect(sanitizeMailHtml(html).html).toBe(html);
  });

  it('drops a style rule whose selector holds "url(", which the browser reads as a URL swallowing the braces after it (found by fuzzing)', () => {
    const html = sanitizeMailHtml('<style>p url( .x {color: red} .y {color: blue}</style><p>x</p>').html;
    expect(html).not.toMatch(/url\(/i);
    expect(sanitizeMailHtml('<style>.y {color: blue}</style>').html).toBe('<style>.y{color: blue}</style>');
  });

  it('drops a declaration whose value names -moz-binding or behavior (found by fuzzing)', () => {
    expect(sanitizeMailHtml('<p style="width: 0purl-moz-binding kFor; color: red">x</p>').html).toBe('<p style="color: red">x</p>');
  });

  it('drops style rules whose selector or condition names a script scheme (found by fuzzing)', () => {
    expect(sanitizeMailHtml('<style>a:javascript: p {color: red} @media javascript:x {p {color: red}} .y {color: blue}</style>').html).toBe(
      '<style>.y{color: blue}</style>',
    );
  });

  it('drops links to anything but web, mailto and tel', () => {
    expect(sanitizeMailHtml('<a href="/settings">a</a><a href="#top">b</a><a href="ftp://x.example/">c</a><a href="file:///etc/passwd">d</a>').html).toBe(
      '<a>a</a><a>b</a><a>c</a><a>d</a>',
    );
  });
});
