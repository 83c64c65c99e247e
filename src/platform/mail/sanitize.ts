import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** cid (without brackets) → URL of the stored inline image */
  cidUrls?: Map<string, string>;
  /** remote (http/https) images are dropped unless allowed: they track when and where a mail is read */
  allowRemoteImages?: boolean;
}

const tags = [
  'p', 'br', 'div', 'span', 'b', 'i', 'u', 's', 'strong', 'em', 'small', 'sub', 'sup', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'img',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption',
];

/**
 * Sanitises mail HTML for display with a strict allow-list: no script, style, iframe, form, event handler,
 * style attribute or javascript:/data: URL survives. Links open in a new tab without referrer.
 */
export function sanitizeEmailHtml(html: string, opts: SanitizeOptions = {}): string {
  return sanitizeHtml(html, {
    allowedTags: tags,
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: opts.allowRemoteImages ? ['http', 'https'] : [] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        const cid = src.toLowerCase().startsWith('cid:') ? src.slice(4) : null;
        const local = cid ? opts.cidUrls?.get(cid) : undefined;
        const { src: _drop, ...rest } = attribs;
        if (local) return { tagName, attribs: { ...rest, src: local } };
        if (opts.allowRemoteImages && /^https?:/i.test(src)) return { tagName, attribs };
        return { tagName, attribs: rest };
      },
    },
    // an image without a source left is noise; its alt text is lost, which is acceptable for blocked trackers
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}
