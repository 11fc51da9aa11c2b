import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitize';
import { dompurifyPayloads, h5scVectors, problemsIn } from './sanitize.test-safety-check';

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
