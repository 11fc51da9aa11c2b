// A user's mailbox account: finding its servers (built-in provider table, autodetection), verifying
// a login, storing it with encrypted passwords, and rotating the encryption key.
export {
  accountCredentials,
  deleteMailAccount,
  getMailAccount,
  saveMailAccount,
  toAccountView,
  type MailAccountSettings,
  type MailAccountView,
  type MailServerSettings,
} from './accounts';
export { detectMailSettings, type AutodetectDeps, type DetectedSettings } from './autodetect';
export { defaultAutodetectDeps } from './autodetect-deps';
export {
  accountFormValues,
  connectManually,
  connectWithAutodetect,
  ManualSettingsError,
  type ConnectOutcome,
  type ManualConnectInput,
  type ManualFormValues,
  type ServerProblem,
} from './connect';
export { parseEmailAddress } from './email-address';
export { buildProviderTable, isActiveIspdbFileName, serializeProviderTable, type IspdbFile } from './ispdb';
export { mailKeyring, oauthTokenAad, passwordAad } from './keyring';
export { OAUTH_CALLBACK_PATH, oauthRedirectUri } from './oauth-redirect';
export {
  completeOAuthSignIn,
  detectOAuthSignIn,
  finishOAuthSignIn,
  oauthProviderForServers,
  OAuthSignInError,
  signInProvidersForServers,
  startOAuthSignIn,
  type FinishOAuthInput,
  type OAuthSignInProblem,
  type StartOAuthInput,
} from './oauth-connect';
export { mailboxCredentials, MailboxSignInError, type MailboxCredentials } from './oauth-tokens';
export type { ProviderHelp } from './provider-schema';
export { reencryptMailPasswords, type RotationReport } from './rotate-keys';
export { verifyImap, verifySmtp, type ImapVerification, type SmtpVerification } from './verify';
