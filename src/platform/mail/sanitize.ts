import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** cid (without brackets) → URL of the stored inline image */
  cidUrls?: Map<string, string>;
  /** remote (http/https) images are dropped unless allowed: they track when and where a mail is read */
  allowRemoteImages?: boolean;
  /**
   * Mail we send (campaign templates) rather than mail we display: inline styles (a safe subset of CSS) and
   * the layout attributes of tables and images stay, remote images are kept (implies allowRemoteImages), links
   * keep their own target. Scripts, event handlers, forms and javascript:/data: URLs are dropped all the same.
   */
  forSending?: boolean;
}

const tags = [
  'p', 'br', 'div', 'span', 'b', 'i', 'u', 's', 'strong', 'em', 'small', 'sub', 'sup', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'img',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption',
];

// what an e-mail layout needs; `position` and friends stay out (an overlay could fake the page around it)
const cssProperties = [
  'color', 'background', 'background-color', 'font', 'font-family', 'font-size', 'font-weight', 'font-style', 'line-height',
  'letter-spacing', 'text-align', 'text-decoration', 'text-transform', 'vertical-align', 'white-space', 'word-break', 'display',
  'width', 'min-width', 'max-width', 'height', 'min-height', 'max-height', 'table-layout', 'border-collapse', 'border-spacing',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left', 'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width', 'border-radius',
];
// plain values only: no url(), expression() or other functions that load or run something (rgb() and calc() are fine)
const cssValue = [/^(?![\s\S]*\b(?:url|expression|image-set|image|element|cross-fade|paint|env|attr)\s*\()[#%.,()\s\p{L}\p{N}_"'!/+*-]*$/iu];
const allowedStyles = { '*': Object.fromEntries(cssProperties.map((p) => [p, cssValue])) };
const layoutAttributes = ['style', 'align', 'valign', 'width', 'height', 'bgcolor', 'border', 'cellpadding', 'cellspacing', 'dir'];

/**
 * Sanitises mail HTML for display with a strict allow-list: no script, style, iframe, form, event handler,
 * style attribute or javascript:/data: URL survives. Links open in a new tab without referrer. With
 * `forSending`, the same allow-list plus inline styles and layout attributes (see SanitizeOptions).
 */
export function sanitizeEmailHtml(html: string, opts: SanitizeOptions = {}): string {
  const remoteImages = opts.allowRemoteImages || opts.forSending;
  const attributes: Record<string, string[]> = {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
  };
  return sanitizeHtml(html, {
    allowedTags: opts.forSending ? [...tags, 'center'] : tags,
    allowedAttributes: opts.forSending ? { ...attributes, '*': layoutAttributes } : attributes,
    // a template's <title> is not content
    ...(opts.forSending ? { allowedStyles, nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'] } : {}),
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: remoteImages ? ['http', 'https'] : [] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => (opts.forSending ? { tagName, attribs } : { tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        const cid = src.toLowerCase().startsWith('cid:') ? src.slice(4) : null;
        const local = cid ? opts.cidUrls?.get(cid) : undefined;
        const { src: _drop, ...rest } = attribs;
        if (local) return { tagName, attribs: { ...rest, src: local } };
        if (remoteImages && /^https?:/i.test(src)) return { tagName, attribs };
        return { tagName, attribs: rest };
      },
    },
    // an image without a source left is noise; its alt text is lost, which is acceptable for blocked trackers
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}
