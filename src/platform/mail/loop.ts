/**
 * Why a message must not get an automatic answer, or null when it may. Follows RFC 3834 (Auto-Submitted),
 * the de-facto Precedence and Microsoft X-Auto-Response-Suppress headers, mailing-list headers (RFC 2369 /
 * 2919) and the usual robot sender names. Answering any of these risks a mail loop or spamming a list.
 */
export function automatedReason(headers: Map<string, string>, fromAddress: string | null): string | null {
  const h = (name: string) => headers.get(name)?.trim().toLowerCase();
  // a null return path marks a bounce or other delivery report (RFC 5321 §4.5.5): never answered
  if (h('return-path') === '<>') return 'null return path';
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-submitted: ${autoSubmitted}`;
  const precedence = h('precedence');
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `precedence: ${precedence}`;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return 'x-autoreply';
  const suppress = h('x-auto-response-suppress');
  if (suppress && /\b(all|autoreply|oof)\b/.test(suppress)) return `x-auto-response-suppress: ${suppress}`;
  if (headers.has('list-id') || headers.has('list-unsubscribe')) return 'mailing list';
  if (headers.has('feedback-id') && headers.has('list-unsubscribe-post')) return 'bulk sender';
  const local = (fromAddress ?? '').toLowerCase().split('@')[0];
  if (!fromAddress) return 'no sender';
  if (/^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+.-].*)?$/.test(local)) return `robot sender: ${local}`;
  return null;
}
