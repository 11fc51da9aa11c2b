import { describe, expect, it } from 'vitest';
import { parseParameterizedValue } from './parameters';

describe('parseParameterizedValue', () => {
  const parse = (text: string) => {
    const { value, params } = parseParameterizedValue(text);
    return { value, params: Object.fromEntries(params) };
  };

  it('reads the value and token or quoted parameters', () => {
    expect(parse('text/plain; charset=UTF-8; format="flowed"')).toEqual({ value: 'text/plain', params: { charset: 'UTF-8', format: 'flowed' } });
    expect(parse('Multipart/Mixed;\r\n\tBOUNDARY="=_b\\"x\\\\"')).toEqual({ value: 'Multipart/Mixed', params: { boundary: '=_b"x\\' } });
    expect(parse('attachment')).toEqual({ value: 'attachment', params: {} });
    expect(parse('')).toEqual({ value: '', params: {} });
  });

  it('is lenient about quotes, spaces, valueless parameters and junk', () => {
    expect(parse('attachment; filename=my report.pdf')).toEqual({ value: 'attachment', params: { filename: 'my report.pdf' } });
    expect(parse('attachment; inline; filename="a.txt"junk; size=3')).toEqual({ value: 'attachment', params: { inline: '', filename: 'a.txt', size: '3' } });
    expect(parse('attachment; filename="unclosed; size=3')).toEqual({ value: 'attachment', params: { filename: 'unclosed; size=3' } });
    expect(parse('text/plain;; ; charset = utf-8 ;')).toEqual({ value: 'text/plain', params: { charset: 'utf-8' } });
  });

  it('keeps the first of a repeated parameter', () => {
    expect(parse('multipart/mixed; boundary=b; boundary=c').params).toEqual({ boundary: 'b' });
  });

  it('drops comments, except inside a token', () => {
    expect(parse('multipart/mixed (comment); boundary=b (another)').params).toEqual({ boundary: 'b' });
    expect(parse('text/plain (a (nested) comment)').value).toBe('text/plain');
    expect(parse('attachment; filename=Invoice(1).pdf').params).toEqual({ filename: 'Invoice(1).pdf' });
  });

  it('assembles RFC 2231 continuations and decodes their charset', () => {
    expect(parse("attachment; filename*=utf-8''%E2%82%AC%20rates.pdf").params).toEqual({ filename: '€ rates.pdf' });
    expect(parse("attachment; filename*1*=%FC%DFe.txt; filename*0*=iso-8859-1'de'Gr").params).toEqual({ filename: 'Grüße.txt' });
    expect(parse('attachment; filename*0="long "; filename*1="name.txt"').params).toEqual({ filename: 'long name.txt' });
    expect(parse("attachment; filename*0*=utf-8''%E2%82; filename*1*=%AC; filename*2=%41").params).toEqual({ filename: '€%41' });
  });

  it('prefers the RFC 2231 form over the plain fallback, in either order', () => {
    expect(parse("attachment; filename=fallback.pdf; filename*=utf-8''r%C3%A9el.pdf").params).toEqual({ filename: 'réel.pdf' });
    expect(parse("attachment; filename*=utf-8''r%C3%A9el.pdf; filename=fallback.pdf").params).toEqual({ filename: 'réel.pdf' });
  });

  it('decodes encoded words in plain parameters but not in RFC 2231 ones', () => {
    expect(parse('attachment; filename="=?utf-8?B?R3LDvMOfZS5wZGY=?="').params).toEqual({ filename: 'Grüße.pdf' });
    expect(parse("attachment; filename*=utf-8''a%3D%3Futf-8%3FQ%3Fb%3F%3D").params).toEqual({ filename: 'a=?utf-8?Q?b?=' });
  });

  it('takes linear time on hostile values', () => {
    const started = performance.now();
    parseParameterizedValue(`a; b=${'x'.repeat(100_000)}${'"'.repeat(100_000)}; c=${'('.repeat(100_000)}`);
    parseParameterizedValue(`a; ${Array.from({ length: 50_000 }, (_, index) => `name*${index % 5000}=x`).join('; ')}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
