import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitize';
import { problemsIn } from './sanitize.test-safety-check';

/**
 * Inputs that htmlparser2's tokenizer reads differently from a browser, or that exercise the
 * open-element stack. Whatever the tokenizer makes of them, the output must be safe as the frame will
 * parse it, and stable; where the expected output is given, it is what the reader should see.
 */
describe('tokenizer differentials', () => {
  function sanitizedSafely(hostileHtml: string): string {
    const { html } = sanitizeMailHtml(hostileHtml);
    expect(problemsIn(html)).toEqual([]);
    expect(html).not.toMatch(/onerror|alert|<script|<!--|<!\[|<\?|\]\]>/i);
    // Stable, except that parked remote images do not survive a second pass (by design).
    if (!html.includes('data-remote-src')) expect(sanitizeMailHtml(html).html).toBe(html);
    return html;
  }

  function timed<T>(work: () => T): { result: T; milliseconds: number } {
    const started = performance.now();
    const result = work();
    return { result, milliseconds: performance.now() - started };
  }

  it.each([
    // Raw-text and dropped elements whose content holds tags or "</" tricks. Where the tokenizer
    // ends such an element later than a browser would ("</textarea/", "</style/", a "</iframe>" inside
    // an attribute), more is dropped, never less.
    ['xmp', '<xmp><img src=x onerror=alert(1)></xmp>after', 'after'],
    ['xmp end tag with a space', '<xmp></xmp ><b>x</b>', '<b>x</b>'],
    ['iframe', '<iframe><p>in</p></iframe>after', 'after'],
    ['self-closed iframe', '<iframe/><b>x</b></iframe>after', 'after'],
    ['iframe end tag inside an attribute', '<iframe><a title="</iframe>"><img src=x onerror=alert(1)></a>after', ''],
    ['noembed', '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>after', 'after'],
    ['noframes', '<noframes><p>in</noframes>after', 'after'],
    ['textarea', '<textarea><img src=x onerror=alert(1)></textarea>after', 'after'],
    ['textarea closed with a slash', '<textarea></textarea/><b>x</b>', ''],
    ['title', '<title></title ><img src=x onerror=alert(1)><b>x</b>', '<b>x</b>'],
    ['style with a tag inside', '<style><img src=x onerror=alert(1)></style>after', 'after'],
    ['style closed with a slash', '<style>p{color:red}</style/><img src=x onerror=alert(1)>after', ''],
    ['self-closed style', '<style/><b>x</b></style>after', 'after'],
    ['script', '<SCRIPT>alert(1)</SCRIPT>after<ScRiPt>x</sCrIpT>2', 'after2'],
    ['script end tag with a space', '<script>alert(1)</script >b', 'b'],
    ['self-closed script', '<script/><img src=x onerror=alert(1)></script>after', 'after'],
    ['script data double escape', '<script><!--<script></script><img src=x onerror=alert(1)></script>-->after', '--&gt;after'],
    ['script in a table', '<table><script>alert(1)</script><tr><td>x</td></tr></table>', '<table><tr><td>x</td></tr></table>'],
    ['select', '<select><option><img src=x onerror=alert(1)></select>after', 'after'],
    ['nested template', '<template><img src=x onerror=alert(1)><template></template></template>after', 'after'],
    ['nested object', '<object><object/></object><img src=x onerror=alert(1)></object>after', 'after'],
    ['plaintext', 'a<plaintext><b>bold</b></plaintext>&amp;', 'a&lt;b&gt;bold&lt;/b&gt;&lt;/plaintext&gt;&amp;amp;'],
    // Comments and other markup declarations never reach the output.
    ['abruptly closed comment', 'a<!-->b<img src=x onerror=alert(1)>', 'ab'],
    ['comment "<!--->"', 'a<!--->b', 'ab'],
    ['comment closed by "--!>" (the tokenizer reads on)', 'a<!-- x --!><b>b</b>-->c', 'ac'],
    ['script in a comment', 'a<!-- <script>alert(1)</script> -->b', 'ab'],
    ['processing instruction', 'a<? x ><b>b</b>', 'a<b>b</b>'],
    ['bogus comment', 'a<!x><b>b</b>', 'a<b>b</b>'],
    ['end tag with a space: a bogus comment', '<div>a</ div>b</div>', '<div>ab</div>'],
    ['CDATA in HTML', 'a<![CDATA[<img src=x onerror=alert(1)>]]>b', 'ab'],
    ['CDATA in SVG', '<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>after', 'after'],
    ['CDATA in MathML', '<math><![CDATA[</math><img src=x onerror=alert(1)>]]></math>after', 'after'],
    // Mutation XSS classics: foreign content is dropped whole.
    ['style in SVG', '<svg><style><img src=x onerror=alert(1)></style></svg>after', 'after'],
    ['MathML table mglyph style', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>after', 'after'],
    ['SVG paragraph breakout', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">', ''],
    ['nested forms in MathML', '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>', ''],
    ['self-closed SVG', '<svg/><p>after</p>', '<p>after</p>'],
    // Attribute syntax.
    ['unquoted and backtick values', '<p title=`x` class=a`b>x</p>', '<p title="`x`" class="a`b">x</p>'],
    ['unquoted URL with a handler', '<img src=https://t.example/a.png onerror=alert(1)>', '<img data-remote-src="https://t.example/a.png">'],
    ['unquoted javascript: link', '<a href=javascript:alert(1)>x</a>', '<a>x</a>'],
    ['duplicate attributes: the first wins', '<p title=a title=b TITLE=c>x</p>', '<p title="a">x</p>'],
    ['duplicate href', '<a href="javascript:alert(1)" href="https://ok.example/">x</a>', '<a>x</a>'],
    ['duplicate src', '<img src="x" onerror="alert(1)" src="https://t.example/a.png">', ''],
    ['NUL bytes', '<p title="a\0b">c\0d</p><scr\0ipt>x</scr\0ipt>', '<p title="a\ufffdb">c\ufffdd</p>x'],
    ['NUL in a scheme', '<a href="java\0script:alert(1)">x</a>', '<a>x</a>'],
    [
      'character references without semicolons',
      '<p title="&lt &amp;quot &ltx &notit; &notin">&lt &ltx &notit; &notin</p>',
      '<p title="&lt; &amp;quot &amp;ltx &amp;notit; &amp;notin">&lt; &lt;x ¬it; ¬in</p>',
    ],
    [
      'references in a query string',
      '<a href="https://a.example/?x=1&copy=2&notin=3&amp;y">x</a>',
      '<a href="https://a.example/?x=1&amp;copy=2&amp;notin=3&amp;y" target="_blank" rel="noopener noreferrer nofollow">x</a>',
    ],
    ['uppercase tags and attributes', '<P CLASS="X" STYLE="COLOR:RED">x</P><IMG SRC="HTTPS://T.EXAMPLE/A.PNG">', '<p class="X" style="color: RED">x</p><img data-remote-src="https://t.example/A.PNG">'],
    ['<image> is <img>', '<image src="https://t.example/i.png">', '<img data-remote-src="https://t.example/i.png">'],
    // Tree construction: the output nests properly and means what the browser built from the input.
    [
      'a link in a link',
      '<a href="https://a.example/">1<a href="https://b.example/">2</a></a>',
      '<a href="https://a.example/" target="_blank" rel="noopener noreferrer nofollow">1' +
        '<a href="https://b.example/" target="_blank" rel="noopener noreferrer nofollow">2</a></a>',
    ],
    ['text and markup for foster parenting', '<table><tr><td>a</td></tr>foster<b>x</b></table>', '<table><tr><td>a</td></tr>foster<b>x</b></table>'],
    ['a div directly in a table', '<table><div>x</div><tr><td>y</table>', '<table><div>x</div><tr><td>y</td></tr></table>'],
    ['stray end tags', '</div></span>text</b>', 'text'],
    ['</br> and a stray </p>', 'a</br>b</p>c', 'a<br>b<p></p>c'],
    ['unclosed paragraphs', '<p>a<p>b', '<p>a</p><p>b</p>'],
    ['a block in a paragraph', '<div><p>a<div>b</div>c</p></div>', '<div><p>a</p><div>b</div>c<p></p></div>'],
    ['a table in a paragraph', '<p>a<table><tr><td>b</td></tr></table>c</p>', '<p>a</p><table><tr><td>b</td></tr></table>c<p></p>'],
    ['an end tag out of reach of a table cell', '<div><table><tr><td>x</div>y</td></tr></table>z', '<div><table><tr><td>xy</td></tr></table>z</div>'],
    ['unclosed list items', '<ul><li>a<li>b</ul>', '<ul><li>a<li>b</li></li></ul>'],
    ['noscript is unwrapped (the frame has scripting off)', '<noscript><b>shown</b></noscript>', '<b>shown</b>'],
    ['a second body and stray end tags around the wrapper', '<body bgcolor=red><font><body text=blue>x</font></div></body>y', '<div style="background-color: red"><font>x</font>y</div>'],
    ['newlines are normalized', 'a\r\nb\rc', 'a\nb\nc'],
    ['a leading newline in pre stays for the browser to eat', '<pre>\n\nx</pre>', '<pre>\n\nx</pre>'],
  ])('%s', (_name, hostileHtml, expectedHtml) => {
    expect(sanitizedSafely(hostileHtml)).toBe(expectedHtml);
  });

  it('nests 100,000 unclosed elements and stray end tags in linear time', () => {
    const depth = 100_000;
    const unclosed = timed(() => sanitizeMailHtml(`${'<div>'.repeat(depth)}deep${'</span>'.repeat(depth)}`).html);
    expect(unclosed.result).toBe(`${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`);
    // A <p> in scope is looked for before every block and at every </p>, and a table cell ends the
    // search; walking the stack for it each time would be quadratic.
    const scoped = timed(
      () => sanitizeMailHtml(`<table><tr><td><p>${'<span>'.repeat(depth)}${'<div>'.repeat(depth)}${'</p>'.repeat(depth)}`).html,
    );
    expect(scoped.result.match(/<p><\/p>/g)).toHaveLength(depth);
    // Quadratic work would take minutes; the bound leaves room for slow machines.
    expect(unclosed.milliseconds + scoped.milliseconds).toBeLessThan(5_000);
    expect(problemsIn(unclosed.result)).toEqual([]);
    expect(problemsIn(scoped.result)).toEqual([]);
  }, 30_000);

  it('sanitizes a 10 MB message in linear time', () => {
    const block =
      '<tr><td class="col" style="padding:8px 24px;font-size:15px;color:#333333"><p style="margin:0 0 12px">Déjà vu &amp; more text ' +
      'for the reader</p><a href="https://news.example.com/read?id=1&amp;utm=nl">Read more</a><img src="https://cdn.example/i.png" width="1"></td></tr>\n';
    const message = `<html><body bgcolor="#f4f4f4"><table>${block.repeat(Math.ceil(10_000_000 / block.length))}</table></body></html>`;
    const { result: sanitized, milliseconds } = timed(() => sanitizeMailHtml(message));
    expect(milliseconds).toBeLessThan(10_000);
    expect(message.length).toBeGreaterThan(10_000_000);
    expect(sanitized.blockedRemoteImages).toBe(Math.ceil(10_000_000 / block.length));
    expect(sanitized.html.startsWith('<div style="background-color: #f4f4f4"><table><tr><td class="col" style="padding: 8px 24px; font-size: 15px; color: #333333">')).toBe(true);
    expect(sanitized.html.endsWith('</td></tr>\n</table></div>')).toBe(true);
  }, 30_000);
});
