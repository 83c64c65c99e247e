import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/db.ts';
import { files } from './files.schema.ts';

/** Hard ceiling for one stored file; mail attachments are also bounded by the SMTP size limit. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;

export class FileTooLargeError extends Error {}

export interface StoredFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface FileInput {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Keeps only a plain base name: no paths, no control characters, bounded length. */
export function safeFilename(name: string | undefined | null, fallback = 'attachment'): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_').trim().slice(0, 200);
  return clean && clean !== '.' && clean !== '..' ? clean : fallback;
}

/**
 * The type a download is served with. Anything a browser could render as active content (HTML, SVG, XML,
 * scripts) is sent as octet-stream, so that even without Content-Disposition it never runs on our origin.
 */
const passive = /^(image\/(png|jpeg|gif|webp|bmp)|application\/pdf|text\/plain|text\/csv|audio\/[\w.+-]+|video\/[\w.+-]+|application\/(zip|x-7z-compressed|x-rar-compressed|msword|vnd\.[\w.+-]+))$/;
export function safeContentType(declared: string): string {
  const t = declared.toLowerCase().split(';')[0].trim();
  return passive.test(t) ? t : 'application/octet-stream';
}

export async function storeFile(q: Queryable, tenantId: string, input: FileInput): Promise<StoredFile> {
  if (input.data.length > MAX_FILE_BYTES) throw new FileTooLargeError(`${input.filename}: ${input.data.length} bytes > ${MAX_FILE_BYTES}`);
  const sha256 = createHash('sha256').update(input.data).digest('hex');
  const [row] = await q
    .insert(files)
    .values({ tenantId, filename: safeFilename(input.filename), contentType: input.contentType.slice(0, 200) || 'application/octet-stream', size: input.data.length, sha256, data: input.data })
    .returning({ id: files.id, filename: files.filename, contentType: files.contentType, size: files.size, sha256: files.sha256 });
  return row;
}

/** Metadata of files (no content), for listings. */
export async function fileInfos(q: Queryable, tenantId: string, ids: string[]): Promise<StoredFile[]> {
  if (ids.length === 0) return [];
  return q
    .select({ id: files.id, filename: files.filename, contentType: files.contentType, size: files.size, sha256: files.sha256 })
    .from(files)
    .where(and(eq(files.tenantId, tenantId), inArray(files.id, ids)));
}

/** The file with its content, or undefined (also for another tenant's id). */
export async function readFile(q: Queryable, tenantId: string, id: string): Promise<(StoredFile & { data: Buffer }) | undefined> {
  const [row] = await q.select().from(files).where(and(eq(files.tenantId, tenantId), eq(files.id, id)));
  return row ? { id: row.id, filename: row.filename, contentType: row.contentType, size: row.size, sha256: row.sha256, data: row.data } : undefined;
}

/** Content-Disposition for a download: ASCII fallback plus RFC 5987 UTF-8 name (Chinese file names). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
