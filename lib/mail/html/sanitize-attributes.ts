import { REMOTE_IMAGE_SOURCE_ATTRIBUTE } from './render';
import type { SanitizeMailHtmlOptions } from './sanitize';
import { escapeAttribute } from './sanitize-characters';
import { sanitizeDeclarations } from './sanitize-css';
import { GLOBAL_ATTRIBUTES, LOADING_ATTRIBUTES, type ElementRule } from './sanitize-policy';
import { classifyUrl, isRemoteUrl, safeAttachmentUrl, safeLinkUrl } from './sanitize-urls';

/**
 * The considered attributes of the start tag being read, as parallel lists of names and values
 * that are reused from tag to tag rather than allocated per tag.
 */
export class StartTagAttributes {
  count = 0;
  readonly names: string[] = [];
  readonly values: string[] = [];

  clear(): void {
    this.count = 0;
  }

  add(name: string, value: string): void {
    // The first of duplicate attributes wins, as in browsers.
    if (this.indexOf(name) !== -1) return;
    this.names[this.count] = name;
    this.values[this.count] = value;
    this.count += 1;
  }

  get(name: string): string | null {
    const index = this.indexOf(name);
    return index === -1 ? null : (this.values[index] ?? null);
  }

  private indexOf(name: string): number {
    for (let index = 0; index < this.count; index++) if (this.names[index] === name) return index;
    return -1;
  }
}

/**
 * Rebuilds attributes from what passes the URL and CSS policy, and keeps the tally of remote
 * content it blocked: that tally is what "Show remote images (N)" and the remote-content notice use.
 */
export class AttributeSanitizer {
  blockedRemoteImages = 0;
  /** Also set by the writer for a style sheet whose url() was blocked. */
  hasRemoteContent = false;
  /** Newsletters repeat the same style attribute on every cell: each distinct one is judged once. */
  private readonly styleAttributes = new Map<string, string>();

  constructor(private readonly options: SanitizeMailHtmlOptions) {}

  /** Returns the serialized attribute list (with a leading space each), or null to drop the element. */
  sanitize(rule: ElementRule, attributes: StartTagAttributes): string | null {
    const tagName = rule.tagName;
    let serialized = '';
    let imageSourceFound = false;

    for (let index = 0; index < attributes.count; index++) {
      const name = attributes.names[index] ?? '';
      const value = attributes.values[index] ?? '';
      if (name === 'style') {
        serialized += this.styleAttribute(value);
      } else if (name === 'href' && tagName === 'a') {
        const href = safeLinkUrl(value);
        if (href !== null) {
          serialized += ` href="${escapeAttribute(href)}" target="_blank" rel="noopener noreferrer nofollow"`;
        }
      } else if (name === 'src' && tagName === 'img') {
        const source = this.sanitizeImageSource(value);
        if (source !== '') {
          serialized += source;
          imageSourceFound = true;
        }
      } else if (GLOBAL_ATTRIBUTES.has(name) || rule.attributes?.has(name)) {
        serialized += ` ${name}="${escapeAttribute(value)}"`;
      } else if (LOADING_ATTRIBUTES.has(name) && isRemoteUrl(value)) {
        // background=, srcset=, poster=, lowsrc=…: dropped, never parked for later reveal.
        this.hasRemoteContent = true;
      }
    }
    // An image left with nothing to show (unknown cid:, javascript:, relative path) only leaves a
    // broken-image box behind.
    if (tagName === 'img' && !imageSourceFound) return null;
    return serialized;
  }

  /** Returns ` style="…"` with the declarations that pass, or '' when none does. */
  styleAttribute(cssText: string): string {
    let attribute = this.styleAttributes.get(cssText);
    if (attribute === undefined) {
      const declarations = sanitizeDeclarations(cssText);
      // A blocked url() is reported at its first sighting; the flag never goes back.
      if (declarations.blockedRemote) this.hasRemoteContent = true;
      attribute = declarations.css === '' ? '' : ` style="${escapeAttribute(declarations.css)}"`;
      this.styleAttributes.set(cssText, attribute);
    }
    return attribute;
  }

  /** For elements that are not written out: would they have loaded anything remote? */
  noteRemoteReferences(tagName: string, attributes: StartTagAttributes): void {
    for (let index = 0; index < attributes.count && !this.hasRemoteContent; index++) {
      const name = attributes.names[index] ?? '';
      const value = attributes.values[index] ?? '';
      if (name === 'style') {
        // Notes a blocked url() as a side effect.
        this.styleAttribute(value);
      } else if (LOADING_ATTRIBUTES.has(name) && !(name === 'href' && tagName === 'a') && isRemoteUrl(value)) {
        this.hasRemoteContent = true;
      }
    }
  }

  /** Returns ` src="…"` / ` data-remote-src="…"`, or '' when the image cannot be shown. */
  private sanitizeImageSource(rawSource: string): string {
    const source = classifyUrl(rawSource);
    switch (source.kind) {
      case 'inline-image':
        return ` src="${escapeAttribute(source.url)}"`;
      case 'web': {
        // Remote images are tracking beacons until the user says otherwise: park the URL.
        this.blockedRemoteImages += 1;
        this.hasRemoteContent = true;
        return ` ${REMOTE_IMAGE_SOURCE_ATTRIBUTE}="${escapeAttribute(source.url)}"`;
      }
      case 'content-id': {
        const resolved = this.options.cidUrl?.(source.contentId) ?? null;
        const attachmentUrl = resolved === null ? null : safeAttachmentUrl(resolved);
        return attachmentUrl === null ? '' : ` src="${escapeAttribute(attachmentUrl)}"`;
      }
      default:
        return '';
    }
  }
}
