import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import type { SanitizedMailHtml, SanitizeMailHtmlOptions } from './sanitize';
import { AttributeSanitizer, StartTagAttributes } from './sanitize-attributes';
import {
  AMPERSAND,
  asciiLowerCase,
  EQUALS_SIGN,
  escapeText,
  isAsciiAlphanumeric,
  isHtmlWhitespace,
  LONGEST_REFERENCE_NAME,
  SEMICOLON,
  SOLIDUS,
} from './sanitize-characters';
import { sanitizeStyleSheet } from './sanitize-css';
import { OpenElements } from './sanitize-open-elements';
import { CONSIDERED_ATTRIBUTES, ELEMENT_RULES, hasContent, PARAGRAPH_RULE, ruleOf, type ElementRule } from './sanitize-policy';

/** An element being skipped together with its content. */
interface DroppedSubtree {
  rule: ElementRule;
  /** Open elements of the same name inside it, itself included. */
  depth: number;
}

/** The one streaming pass of sanitize.ts: tokenizer callbacks in, canonical markup out. */
export class MailHtmlSanitizer implements TokenizerCallbacks {
  private readonly tokenizer: Tokenizer;
  private output = '';
  private readonly attributeSanitizer: AttributeSanitizer;

  // The start tag being read.
  private tagName = '';
  private readonly attributes = new StartTagAttributes();
  private attributeName: string | null = null;
  private attributeValue = '';
  /** What the last character reference in the value decoded to, until raw text follows it. */
  private attributeReference = '';

  private readonly openElements = new OpenElements();

  private droppedSubtree: DroppedSubtree | null = null;
  /** The text of the <style> element being read, or null outside one. */
  private styleSheetText: string | null = null;
  /** A tag or comment was tokenized inside <style>: the browser reads it all as CSS text. */
  private styleSheetHasMarkup = false;
  private bodySeen = false;
  /** Content or <body> seen: from here on, whitespace is content too. */
  private inBody = false;
  /**
   * Whitespace before the body starts: the parser puts it into the head (dropped), unless the body
   * starts without a <body> tag. Holding it back until that is known keeps the output idempotent.
   */
  private whitespaceBeforeBody = '';
  /** Where the rest of the input is text, after a <plaintext> start tag; -1 without one. */
  private plaintextStart = -1;

  constructor(
    private readonly html: string,
    options: SanitizeMailHtmlOptions,
  ) {
    this.tokenizer = new Tokenizer({ decodeEntities: true }, this);
    this.attributeSanitizer = new AttributeSanitizer(options);
  }

  run(): SanitizedMailHtml {
    this.tokenizer.write(this.html);
    if (this.plaintextStart === -1) this.tokenizer.end();
    else this.emitText(this.html.slice(this.plaintextStart));

    if (this.styleSheetText !== null) this.endStyleSheet();
    this.output += this.openElements.endTagsOfAll();
    return {
      // Whitespace before the first content would be dropped by the parser anyway; trimming it
      // keeps the output stable.
      html: this.output.trimStart(),
      blockedRemoteImages: this.attributeSanitizer.blockedRemoteImages,
      hasRemoteContent: this.attributeSanitizer.hasRemoteContent,
    };
  }

  // ---- tokenizer callbacks ------------------------------------------------------------------

  ontext(start: number, endIndex: number): void {
    this.handleText(this.html.slice(start, endIndex));
  }

  ontextentity(codePoint: number): void {
    this.handleText(String.fromCodePoint(codePoint));
  }

  onopentagname(start: number, endIndex: number): void {
    this.tagName = asciiLowerCase(this.html.slice(start, endIndex));
    this.attributes.clear();
  }

  onattribname(start: number, endIndex: number): void {
    const name = asciiLowerCase(this.html.slice(start, endIndex));
    this.attributeName = CONSIDERED_ATTRIBUTES.has(name) ? name : null;
    this.attributeValue = '';
    this.attributeReference = '';
  }

  onattribdata(start: number, endIndex: number): void {
    if (this.attributeName === null) return;
    if (this.attributeReference !== '') {
      this.restoreMisreadReference(start);
      this.attributeReference = '';
    }
    this.attributeValue += this.html.slice(start, endIndex);
  }

  onattribentity(codePoint: number): void {
    if (this.attributeName === null) return;
    this.attributeReference = String.fromCodePoint(codePoint);
    this.attributeValue += this.attributeReference;
  }

  onattribend(): void {
    if (this.attributeName !== null) this.attributes.add(this.attributeName, this.attributeValue);
  }

  /**
   * In an attribute, a named reference without its semicolon that is followed by an alphanumeric
   * or "=" stays as typed ("?a=1&notin=2"). The tokenizer's entity decoder misses that rule when the
   * longer name it was hoping for ("&notin;") fails; `nextStart` is where the raw text resumes.
   */
  private restoreMisreadReference(nextStart: number): void {
    const next = this.html.charCodeAt(nextStart);
    if ((!isAsciiAlphanumeric(next) && next !== EQUALS_SIGN) || this.html.charCodeAt(nextStart - 1) === SEMICOLON) return;
    let ampersand = nextStart - 1;
    while (ampersand > nextStart - LONGEST_REFERENCE_NAME && isAsciiAlphanumeric(this.html.charCodeAt(ampersand))) ampersand--;
    // Numeric references ("&#38x") are decoded whatever follows them.
    if (this.html.charCodeAt(ampersand) !== AMPERSAND) return;
    this.attributeValue = this.attributeValue.slice(0, -this.attributeReference.length) + this.html.slice(ampersand, nextStart);
  }

  onopentagend(endIndex: number): void {
    this.handleStartTag(false, endIndex);
  }

  onselfclosingtag(endIndex: number): void {
    this.handleStartTag(true, endIndex);
  }

  onclosetag(start: number, endIndex: number): void {
    // The tokenizer skips whitespace after "</"; a browser reads "</ div>" as a bogus comment.
    if (this.html.charCodeAt(start - 1) !== SOLIDUS) return;
    this.handleEndTag(asciiLowerCase(this.html.slice(start, endIndex)));
  }

  oncomment(): void {
    this.noteMarkupInStyleSheet();
  }

  oncdata(): void {
    this.noteMarkupInStyleSheet();
  }

  ondeclaration(): void {
    this.noteMarkupInStyleSheet();
  }

  onprocessinginstruction(): void {
    this.noteMarkupInStyleSheet();
  }

  onend(): void {}

  // ---- tokens -------------------------------------------------------------------------------

  private handleText(text: string): void {
    if (this.droppedSubtree !== null) return;
    if (this.styleSheetText !== null) {
      this.styleSheetText += text;
      return;
    }
    this.emitText(text);
  }

  private emitText(text: string): void {
    if (!this.inBody) {
      if (isHtmlWhitespace(text)) {
        this.whitespaceBeforeBody += text;
        return;
      }
      this.startBody();
    }
    this.output += escapeText(text);
  }

  /** Content without a <body> tag before it starts the body, whitespace held back included. */
  private startBody(): void {
    if (this.inBody) return;
    this.inBody = true;
    this.output += this.whitespaceBeforeBody;
    this.whitespaceBeforeBody = '';
  }

  private handleStartTag(selfClosing: boolean, endIndex: number): void {
    const dropped = this.droppedSubtree;
    if (dropped !== null) {
      this.noteRemoteReferences();
      if (this.tagName === dropped.rule.tagName && hasContent(dropped.rule, selfClosing)) dropped.depth += 1;
      return;
    }
    if (this.styleSheetText !== null) {
      this.styleSheetHasMarkup = true;
      return;
    }

    const rule = ruleOf(this.tagName);
    if (rule.startsBody) this.startBody();
    if (rule.closesParagraph) this.closeParagraphInScope();
    switch (rule.action) {
      case 'keep':
        this.emitElement(rule);
        break;
      case 'drop':
        this.noteRemoteReferences();
        if (hasContent(rule, selfClosing)) this.droppedSubtree = { rule, depth: 1 };
        break;
      case 'style-sheet':
        this.styleSheetText = '';
        this.styleSheetHasMarkup = false;
        break;
      case 'body':
        this.openBody();
        break;
      case 'plaintext':
        // Everything after <plaintext> is text, to the end of the input.
        this.plaintextStart = endIndex + 1;
        this.tokenizer.pause();
        break;
      case 'unwrap':
        this.noteRemoteReferences();
        break;
    }
  }

  private handleEndTag(tagName: string): void {
    const dropped = this.droppedSubtree;
    if (dropped !== null) {
      if (tagName === dropped.rule.tagName) {
        dropped.depth -= 1;
        if (dropped.depth === 0) this.droppedSubtree = null;
      }
      return;
    }
    if (this.styleSheetText !== null) {
      if (tagName === 'style') this.endStyleSheet();
      else this.styleSheetHasMarkup = true;
      return;
    }

    if (tagName === 'br') {
      // The HTML parser reads </br> as <br>.
      this.startBody();
      this.output += '<br>';
    } else if (tagName === 'p') {
      // A </p> without an open <p> makes the HTML parser insert an empty paragraph.
      if (!this.closeParagraphInScope()) {
        this.startBody();
        this.output += '<p></p>';
      }
    } else {
      const rule = ELEMENT_RULES.get(tagName);
      if (rule === undefined || rule.action !== 'keep') return;
      // A stray end tag closes up to its match if that is open (in scope); otherwise it is ignored.
      const position = this.openElements.positionInScope(rule);
      if (position !== -1) this.output += this.openElements.closeDownTo(position);
    }
  }

  private noteMarkupInStyleSheet(): void {
    if (this.styleSheetText !== null) this.styleSheetHasMarkup = true;
  }

  // ---- elements -----------------------------------------------------------------------------

  private emitElement(rule: ElementRule): void {
    const attributes = this.attributeSanitizer.sanitize(rule, this.attributes);
    if (attributes === null) return;
    this.output += `<${rule.tagName}${attributes}>`;
    if (!rule.isVoid) this.openElements.push(rule);
  }

  /** The body's own colours (bgcolor/text/style) survive on a wrapper div, since <body> itself does not. */
  private openBody(): void {
    this.noteRemoteReferences();
    this.whitespaceBeforeBody = '';
    this.inBody = true;
    // A second <body> only adds attributes the first lacked; mail has no use for that.
    if (this.bodySeen) return;
    this.bodySeen = true;

    const declarations: string[] = [];
    const bodyStyle = this.attributes.get('style');
    if (bodyStyle !== null) declarations.push(bodyStyle);
    const bodyBackground = this.attributes.get('bgcolor');
    if (bodyBackground !== null) declarations.push(`background-color: ${bodyBackground}`);
    const bodyTextColour = this.attributes.get('text');
    if (bodyTextColour !== null) declarations.push(`color: ${bodyTextColour}`);
    const wrapperStyle = declarations.length > 0 ? this.attributeSanitizer.styleAttribute(declarations.join(';')) : '';
    if (wrapperStyle === '') return;

    // A <body> late in the markup (after a <p>, say): the wrapper is a <div>, which a browser would
    // not nest in the open <p> but start after it; closing it here keeps the output as the browser reads it.
    this.closeParagraphInScope();
    this.output += `<div${wrapperStyle}>`;
    this.openElements.pushBodyWrapper();
  }

  private endStyleSheet(): void {
    const sheet = sanitizeStyleSheet(this.styleSheetText ?? '');
    this.styleSheetText = null;
    if (sheet.blockedRemote) this.attributeSanitizer.hasRemoteContent = true;
    // Markup tokenized inside means a "<" in the browser's CSS text, which refuses the sheet. And
    // the sheet is raw text inside <style>: it must not be able to close the element early.
    if (this.styleSheetHasMarkup || sheet.css === '' || sheet.css.includes('<')) return;
    this.output += `<style>${sheet.css}</style>`;
  }
  /** Returns whether there was an open <p> in scope to close. */
  private closeParagraphInScope(): boolean {
    const position = this.openElements.positionInScope(PARAGRAPH_RULE);
    if (position === -1) return false;
    this.output += this.openElements.closeDownTo(position);
    return true;
  }

  private noteRemoteReferences(): void {
    this.attributeSanitizer.noteRemoteReferences(this.tagName, this.attributes);
  }
}
