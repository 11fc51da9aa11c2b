/** Shared by the server's validation and the forms' hints (this file must stay free of server-only imports). */
export const MIN_PASSWORD_LENGTH = 10;
