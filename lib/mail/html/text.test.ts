import { describe, expect, it } from 'vitest';
import { htmlToPlainText } from './text';

describe('htmlToPlainText', () => {
  it('drops markup, scripts and styles and decodes entities', () => {
    expect(htmlToPlainText('<style>x{}</style><p>A&amp;B&#229;&#x263A;</p><script>bad()</script>').trim()).toBe('A&Bå☺');
  });

  it('breaks lines where the HTML does and keeps unclosed constructs as the old expressions did', () => {
    expect(htmlToPlainText('a<br>b</P>c<div>d</div >e<!-- x -->f<TITLE>t</title >g')).toBe('a\nb\nc d\ne f g');
    expect(htmlToPlainText('a <b c<!-- open <script>x')).toBe('a  x');
    expect(htmlToPlainText('1 < 2 and 3<4')).toBe('1 < 2 and 3<4');
  });
});
