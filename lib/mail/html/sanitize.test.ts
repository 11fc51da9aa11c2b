import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTreeAdapter, html as parse5Html, parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { MAX_INLINE_IMAGE_URL_LENGTH, sanitizeMailHtml } from './sanitize';

type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

interface Payload {
  label: string;
  html: string;
}

const fixturesDirectory = path.resolve(import.meta.dirname, '../../../tests/fixtures/xss');

function loadPayloads(fileName: string, labelOf: (entry: Record<string, unknown>) => string): Payload[] {
  const entries = JSON.parse(readFileSync(path.join(fixturesDirectory, fileName), 'utf8')) as Array<Record<string, unknown>>;
  return entries.map((entry) => ({ label: labelOf(entry), html: String(entry.payload) }));
}

const dompurifyPayloads = loadPayloads('dompurify-payloads.json', (entry) => String(entry.title));
const h5scVectors = loadPayloads('h5sc-vectors.json', (entry) => `#${String(entry.id)} ${String(entry.name)}`);

/**
 * The output is parsed the way the mail frame will parse it: as the children of <body>, by a
 * spec-compliant parser, with scripting disabled (the frame has no allow-scripts).
 */
function parseAsFrameBody(html: string): Element[] {
  const bodyContext = defaultTreeAdapter.createElement('body', parse5Html.NS.HTML, []);
  const fragment = parseFragment(bodyContext, html, { scriptingEnabled: false });
  const elements: Element[] = [];
  const pending: Node[] = [...fragment.childNodes];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (!('tagName' in node)) continue;
    elements.push(node);
    pending.push(...node.childNodes);
    if ('content' in node) pending.push(...(node as DefaultTreeAdapterTypes.Template).content.childNodes);
  }
  return elements;
}

function textOf(element: Element): string {
  return element.childNodes.map((node) => ('value' in node ? node.value : '')).join('');
}

const FORBIDDEN_ELEMENTS = new Set([
  'script', 'iframe', 'object', 'embed', 'base', 'meta', 'link', 'form', 'frame', 'frameset', 'applet',
  'svg', 'math', 'input', 'button', 'textarea', 'select', 'video', 'audio', 'source', 'template', 'noscript',
  'html', 'head', 'body', 'title', 'xmp', 'noembed', 'noframes', 'plaintext',
]);

/** These never survive, whatever their value. */
const FORBIDDEN_ATTRIBUTES = new Set([
  'srcdoc', 'formaction', 'action', 'xlink:href', 'ping', 'background', 'poster', 'srcset', 'data', 'lowsrc', 'dynsrc', 'is',
]);

const URL_BEARING_ATTRIBUTES = new Set([
  'href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'data', 'style', 'data-remote-src',
]);

/** Entities are already decoded by the parser; whitespace and control characters are what browsers skip. */
function normalizedForSchemeCheck(value: string): string {
  return value.replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]+/g, '').toLowerCase();
}

/** Every way the output could still run script or load something remote; empty when safe. */
function problemsIn(outputHtml: string): string[] {
  const problems: string[] = [];
  if (/<\/?(?:html|head|body)\b/i.test(outputHtml)) problems.push('document wrapper tags in the fragment');
  for (const element of parseAsFrameBody(outputHtml)) {
    const tag = element.tagName;
    if (element.namespaceURI !== parse5Html.NS.HTML) problems.push(`foreign element <${tag}>`);
    if (FORBIDDEN_ELEMENTS.has(tag)) problems.push(`element <${tag}>`);
    if (tag === 'style') {
      const css = normalizedForSchemeCheck(textOf(element));
      if (/url\(|@import|expression\(|\\|javascript:|behavior|binding/.test(css)) problems.push(`style sheet: ${css}`);
    }
    for (const attribute of element.attrs) {
      const name = attribute.prefix ? `${attribute.prefix}:${attribute.name}` : attribute.name;
      const value = normalizedForSchemeCheck(attribute.value);
      if (name.startsWith('on')) problems.push(`event handler ${name}`);
      if (FORBIDDEN_ATTRIBUTES.has(name)) problems.push(`attribute ${name}`);
      if (URL_BEARING_ATTRIBUTES.has(name)) {
        if (/^(?:javascript|vbscript|data:text\/html)/.test(value)) problems.push(`script URL in ${name}: ${value}`);
        if (value.includes('expression(')) problems.push(`CSS expression in ${name}`);
      }
      if (name === 'style' && /url\(|\\|@import|behavior|-moz-binding|position:fixed/.test(value)) problems.push(`style: ${value}`);
      if (name === 'src' && !value.startsWith('data:image/') && !value.startsWith('cid:')) problems.push(`loading src: ${value}`);
      if (name === 'data-remote-src' && !/^https?:\/\//.test(value)) problems.push(`parked non-web URL: ${value}`);
    }
    if (tag === 'a' && element.attrs.some((attribute) => attribute.name === 'href')) {
      const rel = element.attrs.find((attribute) => attribute.name === 'rel')?.value ?? '';
      const target = element.attrs.find((attribute) => attribute.name === 'target')?.value;
      if (target !== '_blank' || !rel.includes('noopener') || !rel.includes('noreferrer')) problems.push('link without target/rel');
    }
  }
  return problems;
}

describe.each([
  ['DOMPurify test payloads', dompurifyPayloads, 223],
  ['HTML5 Security Cheatsheet vectors', h5scVectors, 149],
] as const)('%s', (_corpusName, payloads, expectedCount) => {
  it('has every payload of the corpus', () => {
    expect(payloads).toHaveLength(expectedCount);
  });

  it.each(payloads.map((payload) => [payload.label, payload.html]))('neutralizes %s', (_label, payloadHtml) => {
    const sanitized = sanitizeMailHtml(payloadHtml);
    expect(problemsIn(sanitized.html)).toEqual([]);
    // Sanitizing is stable: the output is already in the sanitizer's canonical, safe form.
    expect(sanitizeMailHtml(sanitized.html).html).toBe(sanitized.html);
  });

  it('removes the payloads entirely or keeps harmless content', () => {
    let removed = 0;
    for (const payload of payloads) if (sanitizeMailHtml(payload.html).html.trim() === '') removed += 1;
    console.info(`${_corpusName}: ${removed} fully removed, ${payloads.length - removed} kept with harmless content`);
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(payloads.length);
  });
});

describe('the safety check itself', () => {
  // If the checker cannot see these, the corpus tests above prove nothing.
  it.each([
    ['<img src=x onerror=alert(1)>'],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>'],
    ['<script>alert(1)</script>'],
    ['<img src="https://tracker.example/p.gif">'],
    ['<div style="background:url(https://t.example/x)">x</div>'],
    ['<svg><a xlink:href="javascript:alert(1)">x</a></svg>'],
    ['<iframe srcdoc="x"></iframe>'],
    ['<p style="width: expression(alert(1))">x</p>'],
  ])('flags unsanitized %s', (unsafeHtml) => {
    expect(problemsIn(unsafeHtml)).not.toEqual([]);
  });
});

describe('hand-picked vectors', () => {
  it.each([
    ['obfuscated javascript: link', '<a href="&#x20;J&#x61;va&#x0A;Sc&#x09;ript&colon;alert(1)">click</a>'],
    ['vbscript link', '<a href="VBSCRIPT:msgbox(1)">click</a>'],
    ['data:text/html link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>'],
    ['formaction', '<form><button formaction="javascript:alert(1)">x</button><input type=image src="https://t.example/i"></form>'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
    ['base href', '<base href="https://evil.example/"><a href="x">relative</a>'],
    ['link stylesheet', '<link rel=stylesheet href="https://evil.example/x.css">'],
    ['svg onload', '<svg onload=alert(1)><script>alert(2)</script></svg>'],
    ['math tricks', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>'],
    ['noscript breakout', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
    ['style breakout', '<style><!--</style><img src=x onerror=alert(1)>--></style>'],
    ['css expression', '<p style="width:expr/**/ession(alert(1))">x</p>'],
    ['css escape', '<p style="background:u\\72 l(https://t.example/x)">x</p>'],
    ['moz binding', '<p style="-moz-binding:url(https://evil.example/x.xml#x)">x</p>'],
    ['behavior', '<p style="behavior:url(x.htc)">x</p>'],
    ['import in sheet', '<style>@import url(https://evil.example/x.css); p{color:red}</style>'],
    ['font-face in sheet', '<style>@font-face{font-family:x;src:url(https://t.example/f.woff)}</style>'],
    ['fixed overlay', '<div style="position:fixed;top:0;left:0">fake login</div>'],
    ['video poster', '<video poster="https://t.example/p.png"><source src="https://t.example/v.mp4"></video>'],
    ['audio', '<audio src="https://t.example/a.mp3" autoplay></audio>'],
    ['table background', '<table background="https://t.example/bg.png"><tr><td background="https://t.example/td.png">x</td></tr></table>'],
    ['body background', '<body background="https://t.example/bg.png" onload="alert(1)">x</body>'],
    ['ping', '<a href="https://ok.example/" ping="https://t.example/ping">x</a>'],
    ['srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
    ['object data', '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">'],
    ['template', '<template><img src=x onerror=alert(1)></template>'],
    ['hostile data-remote-src', '<img data-remote-src="javascript:alert(1)" src="cid:missing">'],
    ['relative image into our app', '<img src="/api/mail/accounts/1/delete">'],
  ])('%s', (_name, hostileHtml) => {
    const sanitized = sanitizeMailHtml(hostileHtml);
    expect(problemsIn(sanitized.html)).toEqual([]);
    // Text such as a title attribute may still *mention* the payload; nothing may load or run it.
    expect(sanitized.html).not.toMatch(/<script|evil\.example|t\.example\/(?!ping)|fixed|expression|binding|behavior/i);
  });

  it('keeps the harmless parts around removed vectors', () => {
    expect(sanitizeMailHtml('<p>Before</p><script>alert(1)</script><p>After</p>').html).toBe('<p>Before</p><p>After</p>');
    expect(sanitizeMailHtml('<form action="https://evil.example/"><p>Survey text</p><input name=q></form>').html).toBe(
      '<p>Survey text</p>',
    );
  });

  it('never emits a tag from text or attribute values', () => {
    const sanitized = sanitizeMailHtml('<p title="<img src=x>">a &lt;b&gt; "c"</p>');
    expect(sanitized.html).toBe('<p title="&lt;img src=x&gt;">a &lt;b&gt; "c"</p>');
  });

  it('handles CSS built to make regular expressions backtrack in linear time', () => {
    const letters = 'a'.repeat(200_000);
    const started = performance.now();
    const sanitized = sanitizeMailHtml(
      `<p style="font-family: ${letters} ${letters}(x)">x</p><p style="${'/*'.repeat(100_000)}">y</p><style>${'/*'.repeat(100_000)}</style>`,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(sanitized.html).toBe('<p>x</p><p>y</p>');
  });

  it('survives pathological nesting without overflowing the stack', () => {
    const deep = '<div>'.repeat(50_000) + 'deep' + '</div>'.repeat(50_000);
    expect(sanitizeMailHtml(deep).html).toContain('deep');
  });
});

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

  it('drops links to anything but web, mailto and tel', () => {
    expect(sanitizeMailHtml('<a href="/settings">a</a><a href="#top">b</a><a href="ftp://x.example/">c</a><a href="file:///etc/passwd">d</a>').html).toBe(
      '<a>a</a><a>b</a><a>c</a><a>d</a>',
    );
  });
});
