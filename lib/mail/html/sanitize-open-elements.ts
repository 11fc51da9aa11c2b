import { BODY_WRAPPER_RULE, KEPT_ELEMENTS, UNKNOWN_ELEMENT_RULE, type ElementRule } from './sanitize-policy';

/**
 * The elements written and not yet closed, outermost first. Alongside the stack it keeps per-name
 * positions and the positions of scope boundaries, so matching an end tag or finding a <p> in scope
 * never walks the stack: the pass stays linear however deep the input nests.
 */
export class OpenElements {
  private readonly rules: ElementRule[] = [];
  /** For each kept element (by rule id), its positions in the stack, ascending. */
  private readonly positions: number[][] = KEPT_ELEMENTS.map(() => []);
  /** Positions of open scope boundaries (and of the body wrapper, which nothing may close early). */
  private readonly scopeBoundaryPositions: number[] = [];
  /** Positions of open tables (and of the body wrapper): the limit of table-part end tags. */
  private readonly tableScopeBoundaryPositions: number[] = [];

  push(rule: ElementRule): void {
    const position = this.rules.length;
    this.rules.push(rule);
    this.positions[rule.id]?.push(position);
    if (rule.isScopeBoundary) this.scopeBoundaryPositions.push(position);
    if (rule.tagName === 'table') this.tableScopeBoundaryPositions.push(position);
  }

  /** As a boundary of every scope, the wrapper is out of reach of all end tags. */
  pushBodyWrapper(): void {
    const position = this.rules.length;
    this.rules.push(BODY_WRAPPER_RULE);
    this.scopeBoundaryPositions.push(position);
    this.tableScopeBoundaryPositions.push(position);
  }

  /**
   * Where the innermost open element of this kind is, if it is in scope (table scope for table
   * parts), as the parser's "has in scope" sees it; -1 otherwise.
   */
  positionInScope(rule: ElementRule): number {
    const position = lastOf(this.positions[rule.id] ?? []);
    const scopeBoundaries = rule.isTablePart ? this.tableScopeBoundaryPositions : this.scopeBoundaryPositions;
    return position !== -1 && position >= lastOf(scopeBoundaries) ? position : -1;
  }

  /** Closes the open elements from the innermost down to the one at `position`, inclusive; returns their end tags. */
  closeDownTo(position: number): string {
    let endTags = '';
    while (this.rules.length > position) {
      const rule = this.rules.pop() ?? UNKNOWN_ELEMENT_RULE;
      endTags += rule.endTag;
      this.positions[rule.id]?.pop();
      if (rule.isScopeBoundary) this.scopeBoundaryPositions.pop();
      if (rule.tagName === 'table') this.tableScopeBoundaryPositions.pop();
    }
    return endTags;
  }

  /** The end tags of everything still open, innermost first. */
  endTagsOfAll(): string {
    let endTags = '';
    for (let position = this.rules.length - 1; position >= 0; position--) {
      endTags += this.rules[position]?.endTag ?? '';
    }
    return endTags;
  }
}

function lastOf(positions: readonly number[]): number {
  return positions.length === 0 ? -1 : (positions[positions.length - 1] ?? -1);
}
