/** Stored files: content in the database (bytea), sha256, safe download headers. */
export { storeFile, readFile, fileInfos, safeContentType, safeFilename, attachmentDisposition, FileTooLargeError, MAX_FILE_BYTES, type StoredFile, type FileInput } from './files.service.ts';
export { files } from './files.schema.ts';
