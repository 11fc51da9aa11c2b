/**
 * Content types by file extension, for attachments sent as application/octet-stream (or with no
 * Content-Type at all) but named "report.pdf": the type decides how the app offers the file. The
 * usual attachment types only; anything else stays application/octet-stream.
 */
const TYPES_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['pdf', 'application/pdf'],
  ['txt', 'text/plain'], ['text', 'text/plain'], ['log', 'text/plain'], ['csv', 'text/csv'], ['tsv', 'text/tab-separated-values'],
  ['htm', 'text/html'], ['html', 'text/html'], ['xml', 'application/xml'], ['json', 'application/json'],
  ['rtf', 'application/rtf'], ['ics', 'text/calendar'], ['vcf', 'text/vcard'], ['eml', 'message/rfc822'],
  ['jpg', 'image/jpeg'], ['jpeg', 'image/jpeg'], ['jpe', 'image/jpeg'], ['png', 'image/png'], ['gif', 'image/gif'],
  ['bmp', 'image/bmp'], ['tif', 'image/tiff'], ['tiff', 'image/tiff'], ['webp', 'image/webp'], ['svg', 'image/svg+xml'],
  ['ico', 'image/vnd.microsoft.icon'], ['heic', 'image/heic'],
  ['doc', 'application/msword'], ['dot', 'application/msword'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xls', 'application/vnd.ms-excel'], ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['docm', 'application/vnd.ms-word.document.macroenabled.12'], ['xlsm', 'application/vnd.ms-excel.sheet.macroenabled.12'],
  ['pptm', 'application/vnd.ms-powerpoint.presentation.macroenabled.12'],
  ['ppt', 'application/vnd.ms-powerpoint'], ['pps', 'application/vnd.ms-powerpoint'],
  ['pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['odt', 'application/vnd.oasis.opendocument.text'], ['ods', 'application/vnd.oasis.opendocument.spreadsheet'],
  ['odp', 'application/vnd.oasis.opendocument.presentation'],
  ['zip', 'application/zip'], ['gz', 'application/gzip'], ['tgz', 'application/gzip'], ['tar', 'application/x-tar'],
  ['7z', 'application/x-7z-compressed'], ['rar', 'application/vnd.rar'],
  ['mp3', 'audio/mpeg'], ['wav', 'audio/wav'], ['ogg', 'audio/ogg'], ['m4a', 'audio/mp4'],
  ['mp4', 'video/mp4'], ['mov', 'video/quicktime'], ['avi', 'video/x-msvideo'], ['webm', 'video/webm'],
  ['exe', 'application/octet-stream'], ['bin', 'application/octet-stream'],
]);

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** The content type a file name's extension suggests, or application/octet-stream. */
export function contentTypeForFilename(filename: string): string {
  const dot = filename.lastIndexOf('.');
  if (dot === -1) return DEFAULT_CONTENT_TYPE;
  return TYPES_BY_EXTENSION.get(filename.slice(dot + 1).trim().toLowerCase()) ?? DEFAULT_CONTENT_TYPE;
}
